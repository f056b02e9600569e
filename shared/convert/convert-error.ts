/** A conversion that cannot be done faithfully; the message is one sentence naming the node and what to do. */
export class ConvertError extends Error {}
