// The one line a credentialed run says about its MFA sessions.
import type { SessionCredentials } from './aws/types.ts';

/** The one-line note per run: which devices, how long their sessions last. */
export function sessionNote(plan: { devices: readonly { id: string; serial: string }[] }, sessions: Map<string, SessionCredentials>, now: Date): string {
  const parts = plan.devices.map((d) => {
    const s = sessions.get(d.id);
    const left = s ? formatLeft(s.expiration.getTime() - now.getTime()) : '?';
    return `${d.serial} (${left} left)`;
  });
  return `MFA session${parts.length > 1 ? 's' : ''} ${parts.join(', ')}`;
}

export function formatLeft(ms: number): string {
  if (ms <= 0) return 'expired';
  const minutes = Math.floor(ms / 60000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m`;
}
