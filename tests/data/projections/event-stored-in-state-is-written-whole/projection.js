// An event stored in a state is written with every field, the four made on first read included.
fromStream('a-1').when({
  T: function (s, e) { s.event = e; }
});
