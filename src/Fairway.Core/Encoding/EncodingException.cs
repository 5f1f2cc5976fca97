namespace Fairway.Core.Encoding;

/// <summary>Thrown when bytes are not the canonical encoding of the expected value.</summary>
public sealed class EncodingException : Exception
{
    public EncodingException(string message) : base(message)
    {
    }

    public EncodingException()
    {
    }

    public EncodingException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
