import { parseFileCommands, parseWorkflowCommands } from '../support/run-action.js';

describe('runner harness parsing', () => {
  it('parses name=value and heredoc blocks as @actions/core writes them', () => {
    const text = 'a=1\nmatrix<<ghadelimiter_123\n{"include":[]}\nline2\nghadelimiter_123\nb=x=y\n';
    expect(parseFileCommands(text)).toEqual({ a: '1', matrix: '{"include":[]}\nline2', b: 'x=y' });
  });
  it('fails on an unterminated block', () => {
    expect(() => parseFileCommands('a<<EOF\nvalue\n')).toThrow(/unterminated/);
  });
  it('parses annotations and masks', () => {
    const { annotations, masks } = parseWorkflowCommands(
      'hello\n::error file=a.ts,line=3::bad%0Athing\n::add-mask::s3cret\n::warning::careful'
    );
    expect(annotations).toEqual([
      { level: 'error', message: 'bad\nthing', properties: { file: 'a.ts', line: '3' } },
      { level: 'warning', message: 'careful', properties: {} }
    ]);
    expect(masks).toEqual(['s3cret']);
  });
});
