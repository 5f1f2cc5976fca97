namespace Fairway.Crypto.Dkg;

/// <summary>
/// Thrown when a key generation cannot give a usable key: too few qualified dealers, or a local share that does not
/// verify. Every honest validator reaches the first verdict alike from the same agreed dealings and complaints, so the
/// session is simply run again.
/// </summary>
public sealed class DkgException : Exception
{
    public DkgException(string message) : base(message)
    {
    }

    public DkgException()
    {
    }

    public DkgException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
