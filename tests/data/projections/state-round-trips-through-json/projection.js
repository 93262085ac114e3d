fromAll()
  .foreachStream()
  .when({
    T: function (s, e) {
      s.seen = (s.seen || 0) + 1;
      s.wasDate = s.d instanceof Date;
      s.d = new Date(0);
      s.u = undefined;
      s.nan = NaN;
      s.list = [1, undefined, Infinity];
    }
  });
