// Content-type validation: an event flagged as JSON whose body is empty, not JSON, or nested deeper than 64 never
// reaches the script. Comments and trailing commas pass the check; reading such a body faults (see the next case).
// A body the store does not label: JSON is JSON, text is text, and one that starts like a document but is broken is
// taken as flagged JSON.
fromAll().when({
  $init: function () { return { seen: [] }; },
  $any: function (s, e) {
    s.seen.push([e.sequenceNumber, e.isJson, e.isJson ? typeof e.body : e.bodyRaw]);
  }
});
