fromAll().when({
  $deleted: function (s, e, partition, isSoft) {},
  A: function (s, e) {}
});
