fromStream('thermostat-3')
  .when({
    $init: function () { return { readings: [], alarms: 0 }; },
    Reading: function (s, e) {
      s.readings.push(e.body.c);
      if (e.body.c > 30) { s.alarms += 1; linkTo('overheated', e); }
    }
  })
  .transformBy(function (s) {
    var sum = s.readings.reduce(function (a, b) { return a + b; }, 0);
    return { average: sum / s.readings.length, alarms: s.alarms };
  })
  .filterBy(function (r) { return r.alarms === 0; });
