// A syntax error with the line it was found on. Thrown inside the lexer and
// parser and caught at their entry points, which turn it into a value.
export class HclSyntaxError extends Error {
  readonly line: number;
  /** Past one of tfw's own limits (nesting depth, heredoc rescans), not a syntax error terraform would report. */
  readonly limit: boolean;
  constructor(message: string, line: number, limit = false) {
    super(message);
    this.name = 'HclSyntaxError';
    this.line = line;
    this.limit = limit;
  }

  /** As the value parse functions return. */
  problem(): { line: number; message: string; limit?: true } {
    return this.limit ? { line: this.line, message: this.message, limit: true } : { line: this.line, message: this.message };
  }
}
