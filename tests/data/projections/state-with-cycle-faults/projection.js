fromStream('a-1').when({
  T: function (s, e) {
    s.count = (s.count || 0) + 1;
    if (e.body.loop) s.self = s;
  }
});
