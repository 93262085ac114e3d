fromCategory('acct')
  .foreachStream()
  .when({
    $any: function (s, e) {
      s[e.sequenceNumber] = {
        eventType: e.eventType, streamId: e.streamId, sequenceNumber: e.sequenceNumber, eventId: e.eventId,
        created: e.created, isJson: e.isJson, bodyType: typeof e.body, sameBody: e.body === e.data,
        bodyRaw: e.bodyRaw, metadataRaw: e.metadataRaw, metadata: e.metadata, linkMetadata: e.linkMetadata,
        partition: e.partition, category: e.category
      };
    }
  });
