import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { handleError } from '../src/http/errors.ts';
import { isDatabaseUnavailable } from '../src/db/unavailable.ts';

/*
 * What a lost database connection looks like to a request (db/unavailable.ts),
 * and how it is answered (http/errors.ts): 503 with Retry-After, in the error
 * shape with the request id; any other error stays a 500. The whole path, with
 * PostgreSQL really stopped and started under load, is test/chaos.test.ts.
 */

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('a database that cannot be reached', () => {
  it('is recognised from the errors node-postgres and PostgreSQL give', () => {
    for (const err of [
      withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      withCode('ECONNRESET', 'read ECONNRESET'),
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('57P02', 'terminating connection because of crash of another server process'),
      withCode('57P03', 'the database system is starting up'),
      withCode('08006', 'connection failure'),
      withCode('08001'),
      new Error('Connection terminated unexpectedly'),
      new Error('Connection terminated due to connection timeout'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('a wrapper', { cause: withCode('57P01') }),
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], ''),
    ]) {
      assert.equal(isDatabaseUnavailable(err), true, `${(err as { code?: string }).code ?? err.message}`);
    }
  });

  it('is not confused with a fault of the query or the data', () => {
    for (const err of [
      withCode('23505', 'duplicate key value violates unique constraint'),
      withCode('42P01', 'relation "nothing" does not exist'),
      withCode('40P01', 'deadlock detected'),
      withCode('SQLITE_BUSY', 'database is locked'),
      new Error('Something else'),
      null,
      'ECONNREFUSED',
    ]) {
      assert.equal(isDatabaseUnavailable(err), false, String(err));
    }
  });

  it('is answered 503 with Retry-After and the request id; other errors stay 500', async () => {
    const app = new Hono();
    app.use('*', async (c, next) => {
      c.set('requestId' as never, 'req-1' as never);
      await next();
    });
    app.onError(handleError);
    app.get('/gone', () => {
      throw withCode('57P01', 'terminating connection due to administrator command');
    });
    app.get('/boom', () => {
      throw new Error('a bug');
    });
    const gone = await app.request('/gone');
    assert.equal(gone.status, 503);
    assert.equal(gone.headers.get('retry-after'), '3');
    assert.deepEqual(await gone.json(), { error: { code: 'DATABASE_UNAVAILABLE', message: 'The database is not answering right now. Try again in 3 seconds.', requestId: 'req-1' } });
    const boom = await app.request('/boom');
    assert.equal(boom.status, 500);
    assert.equal(boom.headers.get('retry-after'), null);
  });
});
