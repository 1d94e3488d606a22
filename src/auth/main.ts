// `tfw auth …`: placeholder until the auth commands land.
import type { Deps } from '../deps.ts';
import { TfwError } from '../errors.ts';

export async function authMain(_argv: readonly string[], _deps: Deps): Promise<number> {
  throw new TfwError('tfw auth: not implemented yet');
}
