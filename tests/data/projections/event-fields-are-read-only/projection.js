// The event's fields are read-only: a write is ignored in sloppy code and a TypeError in strict code.
fromAll().when({
  $init: function () { return { sloppy: null, strict: null, body: null }; },
  Sloppy: function (s, e) {
    e.eventType = 'Changed';
    e.body = { replaced: true };
    e.streamId = 'other-1';
    delete e.sequenceNumber;
    s.sloppy = [e.eventType, e.streamId, e.sequenceNumber, e.body.replaced === undefined];
  },
  Strict: function (s, e) {
    'use strict';
    const attempts = {};
    for (const field of ['eventType', 'body', 'data', 'metadata', 'partition', 'isJson']) {
      try {
        e[field] = 'x';
        attempts[field] = 'written';
      } catch (error) {
        attempts[field] = error.constructor.name;
      }
    }
    s.strict = attempts;
    s.body = e.body;
  }
});
