namespace Fairway.Ordering;

public enum AddResult
{
    Accepted,

    /// <summary>The same transaction is already waiting here.</summary>
    Duplicate,

    /// <summary>The mempool is at its bound; the client should retry later.</summary>
    Full,
}
