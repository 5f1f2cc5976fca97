using System.Runtime.InteropServices;

namespace Fairway.Devnet.Tests;

/// <summary>Signals sent with libc's kill(2), so the tests need no kill binary on the machine.</summary>
internal static class PosixSignals
{
    public const int Kill9 = 9;
    public const int Terminate = 15;
    public const int Stop = 19;
    public const int Continue = 18;

    /// <summary>Sends the signal; false if the process is already gone (or the call failed otherwise).</summary>
    public static bool TrySend(int pid, int signal) => Kill(pid, signal) == 0;

    public static void Send(int pid, int signal)
    {
        if (!TrySend(pid, signal))
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
