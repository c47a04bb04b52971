/**
 * Seeding: `seedAll` (re)creates every org the emulator knows, in one transaction. A further org
 * or user (a second tenant, for instance) is one more entry in SEEDERS.
 */
import type { Store } from '../store/index.ts';
import { seedDemoOrg } from './demo.ts';
import { seedSecondOrg } from './second-org.ts';

export {
  ARTICLE,
  CONTACTS_MODULE_ID,
  DEMO_CREDENTIALS,
  DEMO_ORG_ID,
  DEMO_SECOND_USER_ID,
  STAGES,
  zohoTime,
} from './demo.ts';

export { DEMO_SECOND_USER_REFRESH_TOKEN, SECOND_ORG, refreshTokenFor } from './second-org.ts';

export type Seeder = (store: Store) => void;

const SEEDERS: Seeder[] = [(store) => seedDemoOrg(store.db), seedSecondOrg];

/** Clears the org data and seeds every org afresh. Issued tokens and OAuth clients survive. */
export function seedAll(store: Store): void {
  store.tx(() => {
    store.clearData();
    for (const seed of SEEDERS) seed(store);
  });
}
