import { parseCronSchedule, timeZoneProblem } from '../../lib/internal/cron';

describe('parseCronSchedule accepts what the CronJob controller accepts', () => {
  test.each([
    ['* * * * *', ['*', '*', '*', '*', '*']],
    ['0 3 * * *', ['0', '3', '*', '*', '*']],
    ['*/15 * * * *', ['*/15', '*', '*', '*', '*']],
    ['0-30/10 8-18 * * 1-5', ['0-30/10', '8-18', '*', '*', '1-5']],
    ['5/15 * * * *', ['5/15', '*', '*', '*', '*']],
    ['0,15,30,45 0 1,15 * *', ['0,15,30,45', '0', '1,15', '*', '*']],
    ['0 9 * JAN-MAR,oct MON-FRI', ['0', '9', '*', 'JAN-MAR,oct', 'MON-FRI']],
    ['0 0 ? * sun', ['0', '0', '?', '*', 'sun']],
    ['  0\t3  *  *   *  ', ['0', '3', '*', '*', '*']],
    ['59 23 31 12 6', ['59', '23', '31', '12', '6']],
    ['0 0 29 2 *', ['0', '0', '29', '2', '*']],
    // both day fields restricted: the run happens on either, so day 31 of February still runs on Mondays
    ['0 0 31 2 1', ['0', '0', '31', '2', '1']],
  ])('%s', (schedule, fields) => {
    const parsed = parseCronSchedule(schedule);
    expect(parsed.problem).toBeUndefined();
    expect(Object.values(parsed.fields!)).toEqual(fields);
  });

  test.each([
    ['@yearly', '0 0 1 1 *'],
    ['@annually', '0 0 1 1 *'],
    ['@monthly', '0 0 1 * *'],
    ['@weekly', '0 0 * * 0'],
    ['@daily', '0 0 * * *'],
    ['@midnight', '0 0 * * *'],
    ['@hourly', '0 * * * *'],
  ])('the macro %s is expanded to %s', (macro, expanded) => {
    expect(Object.values(parseCronSchedule(macro).fields!).join(' ')).toBe(expanded);
  });
});

describe('parseCronSchedule refuses what does not parse, with the reason and a fix', () => {
  test.each([
    ['', /^is empty$/, /write five fields/],
    ['0 0 * *', /^has 4 fields instead of 5$/, /write minute, hour, day of month, month and day of week/],
    ['0 0 0 * * *', /^has 6 fields instead of 5$/, /no seconds \(or year\) field/],
    ['60 * * * *', /invalid minute field '60': 60 is out of range/, /use 0-59/],
    ['0 24 * * *', /invalid hour field '24': 24 is out of range/, /use 0-23/],
    ['0 0 0 * *', /invalid day of month field '0': 0 is out of range/, /use 1-31/],
    ['0 0 * 13 *', /invalid month field '13': 13 is out of range/, /use 1-12 or JAN-DEC/],
    ['0 0 * * 7', /invalid day of week field '7': 7 is out of range/, /use 0-6 or SUN-SAT/],
    ['0 0 * * MON-FRY', /invalid day of week field 'MON-FRY': 'FRY' is not a value/, /SUN-SAT/],
    ['0 0 * FOO *', /'FOO' is not a value/, /JAN-DEC/],
    ['0 MON * * *', /invalid hour field 'MON': 'MON' is not a value/, /use 0-23/],
    ['30-10 * * * *', /the range '30-10' runs backwards/, /'10-30'/],
    ['*/0 * * * *', /the step '0' is not a positive whole number/, /step of 1 or more/],
    ['*/x * * * *', /the step 'x' is not a positive whole number/, /step of 1 or more/],
    ['1/2/3 * * * *', /has more than one '\/'/, /one step/],
    ['1-2-3 * * * *', /has more than one '-'/, /'a-b'/],
    ['1,,2 * * * *', /a list item is empty/, /extra ','/],
    ['-1 * * * *', /'-1' is missing a number \(negative numbers are not allowed\)/, /0-59/],
    ['1- * * * *', /'1-' is missing a number/, /0-59/],
    ['? * * * *', /'\?' is not a value/, /'\?' is allowed only in the day fields/],
    ['0 0 L * *', /'L' is not a value/, /1-31/],
    ['@every 1h', /is not a known macro \('@every' runs relative to when the controller starts\)/, /use one of '@yearly'/],
    ['@Daily', /is not a known macro/, /did you mean '@daily'\?/],
    ['@reboot', /is not a known macro/, /'@hourly'/],
    ['TZ=Europe/Berlin 0 3 * * *', /sets its time zone inline, which Kubernetes refuses/, /set 'timeZone' instead/],
    ['CRON_TZ=UTC 0 3 * * *', /sets its time zone inline/, /'timeZone'/],
    ['0 0 31 2 *', /never runs: none of the selected months has the selected day/, /pick a day that exists/],
    ['0 0 31 4,6,9,11 *', /never runs/, /pick a day/],
    ['0 0 30,31 FEB *', /never runs/, /pick a day/],
  ])('%j', (schedule, problem, fix) => {
    const parsed = parseCronSchedule(schedule);
    expect(parsed.fields).toBeUndefined();
    expect(parsed.problem!.problem).toMatch(problem);
    expect(parsed.problem!.fix).toMatch(fix);
  });
});

describe('timeZoneProblem', () => {
  test.each(['Etc/UTC', 'UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'America/Port-au-Prince', 'Etc/GMT+5', 'Asia/Kolkata'])(
    '%s is an IANA time zone name', (name) => {
      expect(timeZoneProblem(name)).toBeUndefined();
    });

  test.each([
    ['Mars/Olympus_Mons', /is not an IANA time zone name/, /such as 'Etc\/UTC'/],
    ['', /is not an IANA time zone name/, /'Europe\/Berlin'/],
    ['Local', /is not an IANA time zone name/, /'Etc\/UTC'/],
    ['+01:00', /is not an IANA time zone name/, /'Etc\/UTC'/],
    ['europe/berlin', /is not spelled as in the tz database \(names are case-sensitive\)/, /did you mean 'Europe\/Berlin'\?/],
    ['EUROPE/BERLIN', /case-sensitive/, /'Europe\/Berlin'/],
  ])('%j is refused', (name, problem, fix) => {
    const found = timeZoneProblem(name);
    expect(found?.problem).toMatch(problem);
    expect(found?.fix).toMatch(fix);
  });
});
