import { ancestors, orderJobs } from '../../../scripts/executor/graph.js';

describe('needs ordering', () => {
  test('dependencies first, file order among ready jobs', () => {
    const jobs = [
      { id: 'deploy', needs: ['build', 'test'] },
      { id: 'build', needs: ['plan'] },
      { id: 'lint', needs: [] },
      { id: 'plan', needs: [] },
      { id: 'test', needs: ['plan'] }
    ];
    expect(orderJobs(jobs)).toEqual(['lint', 'plan', 'build', 'test', 'deploy']);
  });

  test('an unknown need names the job and the missing one', () => {
    expect(() => orderJobs([{ id: 'a', needs: ['nope'] }], 'w.yml')).toThrow(
      /job 'a' needs 'nope', which is not a job/
    );
  });

  test('a cycle is reported with its jobs', () => {
    expect(() =>
      orderJobs([
        { id: 'a', needs: ['b'] },
        { id: 'b', needs: ['a'] },
        { id: 'c', needs: [] }
      ])
    ).toThrow(/cycle: a → b; b → a/);
  });

  test('ancestors are transitive', () => {
    const jobs = [
      { id: 'a', needs: [] },
      { id: 'b', needs: ['a'] },
      { id: 'c', needs: ['b'] },
      { id: 'd', needs: [] }
    ];
    expect([...ancestors(jobs, 'c')].sort()).toEqual(['a', 'b']);
    expect([...ancestors(jobs, 'd')]).toEqual([]);
  });
});
