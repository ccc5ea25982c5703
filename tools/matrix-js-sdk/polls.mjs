// polls.mjs reads a poll as Element Web does, through matrix-js-sdk (the SDK
// Element Web is built on): it syncs as a member and prints, as JSON, what
// the SDK's poll model holds for one poll start event: whether it is
// ended, who ended it, and each response with whether the SDK reads it
// (spoiled: it does not) and its answer IDs.
//
// Usage: node polls.mjs <homeserver URL> <access token> <user ID> <room ID> <poll start event ID>

// matrix-js-sdk 43 declares node >= 22; on node 20 it needs only this.
if (!Promise.withResolvers) {
  Promise.withResolvers = function () {
    let resolve, reject;
    const promise = new Promise((a, b) => { resolve = a; reject = b; });
    return { promise, resolve, reject };
  };
}

const sdk = await import("matrix-js-sdk");
const { PollResponseEvent } = await import("matrix-js-sdk/lib/extensible_events_v1/PollResponseEvent.js");

const [baseUrl, accessToken, userId, roomId, pollId] = process.argv.slice(2);
const client = sdk.createClient({ baseUrl, accessToken, userId });
const prepared = new Promise((resolve) => client.on(sdk.ClientEvent.Sync, (state) => { if (state === "PREPARED") resolve(); }));
await client.startClient({ initialSyncLimit: 100 });
await prepared;
const poll = client.getRoom(roomId)?.polls.get(pollId);
if (!poll) {
  console.log(JSON.stringify({ found: false }));
} else {
  const responses = (await poll.getResponses()).getRelations().map((e) => {
    const r = new PollResponseEvent(e.getEffectiveEvent());
    r.validateAgainst(poll.pollEvent);
    return { type: e.getType(), sender: e.getSender(), spoiled: r.spoiled, answers: r.answerIds };
  });
  console.log(JSON.stringify({ found: true, ended: poll.isEnded, endedBy: poll.endEvent?.getSender() ?? "", responses }));
}
client.stopClient();
process.exit(0);
