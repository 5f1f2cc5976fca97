using Fairway.Core.Crypto;

namespace Fairway.Storage;

/// <summary>When this validator first held a batch, by its own clock: the receive time of every transaction in it.</summary>
public readonly record struct BatchReceipt(Hash Digest, ulong ReceivedAtMs);
