/** What the runs exercised, summed: guards against a property that checks nothing. */
export const stats = {
  drops: 0,
  silenced: 0,
  gapsNamed: 0,
  probeDeliveries: 0,
  probeSubs: 0,
  endedChecked: 0,
  subscribedWhileDown: 0,
  outcomes: {} as Record<string, number>,
};
