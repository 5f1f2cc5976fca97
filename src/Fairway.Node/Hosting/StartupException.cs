namespace Fairway.Node.Hosting;

/// <summary>
/// The node cannot start for a reason outside its config file's syntax (its data directory is in use, a port is
/// taken); the message is one line an operator can act on.
/// </summary>
public sealed class StartupException : Exception
{
    public StartupException(string message) : base(message)
    {
    }

    public StartupException()
    {
    }

    public StartupException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
