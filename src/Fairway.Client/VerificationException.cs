namespace Fairway.Client;

/// <summary>A node's answer failed verification: it must not be used. The message says what did not check out.</summary>
public sealed class VerificationException : Exception
{
    public VerificationException(string message) : base(message)
    {
    }

    public VerificationException()
    {
    }

    public VerificationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
