namespace Fairway.Node.Config;

/// <summary>A configuration or genesis file is missing, malformed, or has a bad value; the message names the key.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message) : base(message)
    {
    }

    public ConfigException()
    {
    }

    public ConfigException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
