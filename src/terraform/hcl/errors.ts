// A syntax error with the line it was found on. Thrown inside the lexer and
// parser and caught at their entry points, which turn it into a value.
export class HclSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.name = 'HclSyntaxError';
    this.line = line;
  }
}
