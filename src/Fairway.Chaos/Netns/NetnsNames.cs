using System.Globalization;
using System.Text.RegularExpressions;

namespace Fairway.Chaos.Netns;

/// <summary>
/// Names one <see cref="NetnsNetwork"/>'s namespaces and links as <c>fw{pid}-{serial}-…</c>, the pid and serial in
/// base 36: unique per instance, short enough for the kernel's 15-character interface names, and readable back, so a
/// later run can tell a dead run's leftovers from a live run's.
/// </summary>
internal sealed partial record NetnsNames(int Pid, int Serial)
{
    public const int MaxInterfaceName = 15;

    // Three base-36 digits; a serial comes round again only after 46,656 networks in one process.
    private const int SerialSpan = 36 * 36 * 36;

    private static int serials = -1;

    public static NetnsNames Next() => new(Environment.ProcessId, Interlocked.Increment(ref serials) % SerialSpan);

    public string Tag => $"fw{Base36(Pid)}-{Base36(Serial)}";

    public string Bridge => Checked($"{Tag}-b");

    public string Namespace(int i) => $"{Tag}-{i}";

    /// <summary>The root namespace's end of namespace <paramref name="i"/>'s veth pair; the other end is <c>eth0</c> inside.</summary>
    public string Veth(int i) => Checked($"{Tag}-v{i}");

    /// <summary>Marks this instance's rules in the root namespace's iptables, where other software's rules live too.</summary>
    public string Comment => $"fairway-netns:{Tag}";

    /// <summary>The pid in a name (namespace, link or rule comment) that this class made, or null for anyone else's name.</summary>
    public static int? OwnerPid(string name)
    {
        var match = Owned().Match(name);
        return match.Success ? FromBase36(match.Groups[1].Value) : null;
    }

    internal static string Base36(int value)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        var text = string.Empty;
        do
        {
            text = digits[value % 36] + text;
            value /= 36;
        }
        while (value > 0);
        return text;
    }

    private static int? FromBase36(string text)
    {
        long value = 0;
        foreach (var c in text)
        {
            value = (value * 36) + (char.IsAsciiDigit(c) ? c - '0' : c - 'a' + 10);
            if (value > int.MaxValue)
            {
                return null;
            }
        }

        return (int)value;
    }

    private static string Checked(string name) => name.Length <= MaxInterfaceName
        ? name
        : throw new InvalidOperationException($"interface name {name} is longer than the kernel's {MaxInterfaceName} characters");

    [GeneratedRegex("^(?:fairway-netns:)?fw([0-9a-z]{1,6})-[0-9a-z]{1,3}(?:-[0-9a-z]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Owned();
}
