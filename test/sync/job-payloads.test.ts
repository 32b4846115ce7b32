// Job payloads are parsed, not cast (issue 15 item 5): what a worker takes
// from the queue's table is checked against the shape its job carries, and a
// payload of another shape fails that job with one line naming the job and
// the field, instead of reaching the engine as `undefined` or a string
// taken for a list of ids.
import { describe, expect, it } from 'vitest';
import { JOBS, parseJobPayload } from '../../src/sync/tasks.js';

describe('job payloads', () => {
  it('the shapes the engine sends are read back as they were sent', () => {
    expect(parseJobPayload(JOBS.poll, { accountId: 'a1' })).toEqual({ accountId: 'a1' });
    expect(parseJobPayload(JOBS.dispatch, {})).toEqual({});
    expect(parseJobPayload(JOBS.dispatch, { accountId: 'a1' })).toEqual({ accountId: 'a1' });
    expect(parseJobPayload(JOBS.window, { workoutIds: ['w1', 'w2'] })).toEqual({ workoutIds: ['w1', 'w2'] });
    expect(parseJobPayload(JOBS.confirm, { workoutIds: ['w1'], round: 3 })).toEqual({ workoutIds: ['w1'], round: 3 });
    // A confirm job written before `round` existed starts at round 0.
    expect(parseJobPayload(JOBS.confirm, { workoutIds: ['w1'] })).toEqual({ workoutIds: ['w1'], round: 0 });
  });

  it.each([
    [JOBS.poll, {}, /accountId/],
    [JOBS.poll, { accountId: 42 }, /accountId/],
    [JOBS.dispatch, { accountId: '' }, /accountId/],
    // A string is not a list of ids (cast, 'w1' reached the engine, which read its letters as two ids).
    [JOBS.window, { workoutIds: 'w1' }, /workoutIds/],
    [JOBS.window, { workoutIds: [] }, /workoutIds/],
    [JOBS.confirm, { workoutIds: ['w1'], round: -1 }, /round/],
    [JOBS.confirm, { workoutIds: ['w1'], round: '1' }, /round/],
    [JOBS.window, null, /payload is not valid/],
  ] as const)('%s with %j fails with the job and the field named', (name, payload, field) => {
    let message = '';
    try {
      parseJobPayload(name, payload);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`job ${name}: its payload is not valid`);
    expect(message).toMatch(field);
    expect(message.split('\n')).toHaveLength(1);
  });
});
