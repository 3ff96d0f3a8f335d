import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { activate, addMember, backends, call, makeCommunity, signUpAndIn, suiteApp } from './helpers.ts';

/**
 * Property: on random community trees with random memberships, what the API
 * lets a user read is exactly what a simple model says, one by one and in the
 * list; and removing a parent membership cuts access below in the same request.
 */
type Vis = 'public' | 'moderated' | 'restricted';
type State = 'none' | 'active' | 'requested' | 'invited';
interface Node {
  parent: number | null;
  visibility: Vis;
  state: State;
  role: 'member' | 'moderator';
}

const nodeArb = (index: number): fc.Arbitrary<Node> =>
  fc.record({
    parent: index === 0 ? fc.constant(null) : fc.option(fc.nat({ max: index - 1 }), { nil: null, freq: 3 }),
    visibility: fc.constantFrom<Vis>('public', 'moderated', 'restricted'),
    state: fc.constantFrom<State>('none', 'active', 'active', 'requested', 'invited'),
    role: fc.constantFrom('member' as const, 'moderator' as const),
  });

const treeArb = fc.integer({ min: 1, max: 7 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => nodeArb(i))));

/** The model: effective membership follows the chain; restricted is seen by members and invitees only. */
function model(tree: Node[], siteAdmin: boolean) {
  const member: boolean[] = [];
  const readable: boolean[] = [];
  tree.forEach((n, i) => {
    const parentMember = n.parent === null ? true : member[n.parent]!;
    const parentReadable = n.parent === null ? true : readable[n.parent]!;
    member[i] = parentMember && n.state === 'active';
    const invited = parentMember && n.state === 'invited';
    readable[i] = parentReadable && (siteAdmin || n.visibility !== 'restricted' || member[i]! || invited);
  });
  return { member, readable };
}

for (const backend of backends()) {
  describe(`membership trees: the API agrees with the model (${backend.name})`, () => {
    const t = suiteApp(backend);
    let owner: { userId: string; cookie: string };
    before(async () => {
      owner = await signUpAndIn(t, 'Tree Owner');
      await activate(t, owner.userId);
    });

    it('reads, lists and cuts access exactly as the model says', async () => {
      await fc.assert(
        fc.asyncProperty(treeArb, fc.boolean(), fc.nat(), async (tree, siteAdmin, pick) => {
          const user = await signUpAndIn(t, 'Tree Walker');
          await activate(t, user.userId, { siteAdmin });
          const ids: { id: string; slug: string }[] = [];
          for (const n of tree) {
            const c = await makeCommunity(t, { visibility: n.visibility, parentId: n.parent === null ? null : ids[n.parent]!.id, createdBy: owner.userId });
            ids.push(c);
            await addMember(t, c.id, owner.userId, 'owner');
            if (n.state !== 'none') await addMember(t, c.id, user.userId, n.role, n.state);
          }
          const check = async (label: string, expectedReadable: boolean[]) => {
            const list = await call(t, 'GET', '/api/v1/communities?scope=all&limit=100', { cookie: user.cookie });
            const listed = new Set(list.body.items.map((c: { id: string }) => c.id));
            for (const [i, c] of ids.entries()) {
              const one = await call(t, 'GET', `/api/v1/communities/${c.slug}`, { cookie: user.cookie });
              assert.equal(one.status, expectedReadable[i] ? 200 : 404, `${label}: node ${i} read (tree ${JSON.stringify(tree)}, siteAdmin ${siteAdmin})`);
              assert.equal(listed.has(c.id), expectedReadable[i], `${label}: node ${i} listed`);
            }
          };
          await check('before', model(tree, siteAdmin).readable);

          // Remove the user from one community they effectively belong to (by its owner).
          const { member } = model(tree, siteAdmin);
          const members = tree.map((_, i) => i).filter((i) => member[i]);
          if (members.length === 0) return;
          const cut = members[pick % members.length]!;
          const res = await call(t, 'DELETE', `/api/v1/communities/${ids[cut]!.slug}/members/${user.userId}`, { cookie: owner.cookie });
          assert.equal(res.status, 200);
          const below = new Set<number>([cut]);
          tree.forEach((n, i) => {
            if (n.parent !== null && below.has(n.parent)) below.add(i);
          });
          const after = tree.map((n, i) => (below.has(i) ? { ...n, state: 'none' as State } : n));
          await check('after removal', model(after, siteAdmin).readable);
          const left = await t.services.db.kysely
            .selectFrom('membership')
            .select('community_id')
            .where('user_id', '=', user.userId)
            .where(
              'community_id',
              'in',
              [...below].map((i) => ids[i]!.id),
            )
            .execute();
          assert.deepEqual(left, [], 'no membership is left below the cut');
        }),
        { numRuns: backend.name === 'sqlite' ? 40 : 25, seed: Number(process.env.JC_FC_SEED ?? Date.now() % 1e9), endOnFailure: true },
      );
    });
  });
}
