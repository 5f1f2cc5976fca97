using System.Runtime.InteropServices;

namespace Fairway.Cli.Chaos;

/// <summary>POSIX signals to a validator process: SIGKILL for a crash, SIGSTOP and SIGCONT for a pause (a GC or VM freeze).</summary>
internal static class Signals
{
    public const int Kill = 9;
    public const int Continue = 18;
    public const int Stop = 19;

    /// <summary>True when the signal was delivered; false when the process is gone.</summary>
    public static bool Send(int pid, int signal) => SendSignal(pid, signal) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
