// body, data, metadata and linkMetadata are created on first read: Object.keys(e) and `in` do not show them before.
fromAll().when({
  $init: function () { return {}; },
  $any: function (s, e) {
    s.before = { keys: Object.keys(e), body: 'body' in e, data: e.hasOwnProperty('data') };
    var body = e.body;
    s.afterBody = { keys: Object.keys(e).slice(-2), body: 'body' in e, same: e.data === body };
    var metadata = e.metadata;
    s.afterMetadata = Object.keys(e).slice(-3);
    s.metadataUser = metadata.user;
    s.linkMetadata = e.linkMetadata;
    s.ownNames = Object.getOwnPropertyNames(e).length;
  }
});
