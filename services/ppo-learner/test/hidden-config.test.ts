// ALA_PPO_HIDDEN: the learner's hidden widths over the preset's ('' keeps the preset), parsed and
// checked at load; a bad list is refused with the variable named and nothing starts.
import { ConfigError } from '@ala/telemetry';
import { hiddenWidths, loadConfig } from '../src/config';

test('ALA_PPO_HIDDEN parses widths and refuses bad lists', () => {
  expect(loadConfig({}).hidden).toBe('');
  expect(loadConfig({ ALA_PPO_HIDDEN: '64,64' }).hidden).toBe('64,64');
  expect(hiddenWidths('64, 32')).toEqual([64, 32]);
  for (const bad of ['64,', 'a', '0', '64,5000', '1.5', '1,1,1,1,1,1,1,1,1']) {
    expect(hiddenWidths(bad)).toBeUndefined();
    expect(() => loadConfig({ ALA_PPO_HIDDEN: bad })).toThrow(ConfigError);
  }
  expect(() => loadConfig({ ALA_PPO_HIDDEN: 'x' })).toThrow(/ALA_PPO_HIDDEN/);
});
