fromStreams(['b-1', 'a-1']).when({
  $any: function (s, e) { s.order = (s.order || '') + e.streamId + ':' + e.sequenceNumber + ' '; }
});
