fromStream('a-1')
  .foreachStream()
  .when({ $any: function (s, e) {} });
