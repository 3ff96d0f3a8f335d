import { randomUUID } from 'node:crypto';
import { now } from './db/database.ts';
import { updateProfile } from './data/profiles.ts';
import type { Services } from './http/context.ts';

/** Demo agencies: made-up agencies with well-formed 9-character ORIs. */
export const DEMO_AGENCIES = [
  { name: 'Texas Department of Public Safety (demo)', ori: 'TXDPS0000' },
  { name: 'Hays County Sheriff’s Office (demo)', ori: 'TX1050000' },
  { name: 'Laredo Police Department (demo)', ori: 'TX2400200' },
  { name: 'Oklahoma Highway Patrol (demo)', ori: 'OKOHP0000' },
] as const;

/**
 * Demo accounts. Their passwords are public on purpose: they exist only in a
 * demo database and are printed at start so a newcomer can sign in at once.
 */
export const DEMO_USERS = [
  { name: 'Sgt. Dana Reyes', email: 'dana.reyes@txdps.demo.test', password: 'corridor-demo-2026', ori: 'TXDPS0000', title: 'Sergeant, Highway Patrol', optedIn: true },
  { name: 'Det. Marcus Hill', email: 'marcus.hill@hayscounty.demo.test', password: 'corridor-demo-2026', ori: 'TX1050000', title: 'Narcotics Detective', optedIn: true },
  { name: 'Ofc. Lena Ortiz', email: 'lena.ortiz@laredo.demo.test', password: 'corridor-demo-2026', ori: 'TX2400200', title: 'Patrol Officer', optedIn: false },
] as const;

/** Seeds an empty database with the demo data; does nothing when agencies exist. Returns whether it seeded. */
export async function seedDemo({ db, auth }: Services): Promise<boolean> {
  const existing = await db.kysely.selectFrom('agency').select('id').limit(1).executeTakeFirst();
  if (existing) return false;
  const agencyIds = new Map<string, string>();
  await db.kysely.transaction().execute(async (trx) => {
    for (const agency of DEMO_AGENCIES) {
      const id = randomUUID();
      agencyIds.set(agency.ori, id);
      await trx.insertInto('agency').values({ id, name: agency.name, ori: agency.ori, created_at: now() }).execute();
    }
  });
  for (const u of DEMO_USERS) {
    const { user } = await auth.api.signUpEmail({ body: { name: u.name, email: u.email, password: u.password } });
    await db.kysely.transaction().execute((trx) =>
      updateProfile(trx, user.id, { agencyId: agencyIds.get(u.ori), title: u.title, optedIn: u.optedIn }),
    );
  }
  return true;
}

export function describeDemoAccounts(): string {
  const rows = DEMO_USERS.map((u) => `  ${u.email.padEnd(36)} ${u.password}   ${u.name}${u.optedIn ? '' : ' (not yet opted in)'}`);
  return ['Demo accounts (demo data only):', ...rows].join('\n');
}
