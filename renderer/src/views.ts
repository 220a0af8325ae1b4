// The sidebar's views in order: hash route (also the icon's name) and label key.
import type { MessageKey } from './i18n';

export const VIEWS = [
  { id: 'dashboard', label: 'nav.dashboard' },
  { id: 'recognise', label: 'nav.recognise' },
  { id: 'jobs', label: 'nav.jobs' },
  { id: 'history', label: 'nav.history' },
  { id: 'models', label: 'nav.models' },
  { id: 'team', label: 'nav.team' },
  { id: 'monitoring', label: 'nav.monitoring' },
  { id: 'training', label: 'nav.training' },
  { id: 'billing', label: 'nav.billing' },
  { id: 'cluster', label: 'nav.cluster' },
  { id: 'settings', label: 'nav.settings' },
] as const satisfies readonly { id: string; label: MessageKey }[];

export type ViewId = (typeof VIEWS)[number]['id'];

export function viewFromHash(hash: string): ViewId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return VIEWS.find((v) => v.id === id)?.id ?? 'dashboard';
}
