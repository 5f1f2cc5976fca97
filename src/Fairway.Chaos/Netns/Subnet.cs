using System.Buffers.Binary;
using System.Net;

namespace Fairway.Chaos.Netns;

/// <summary>Picks a free /24 from 10.213.0.0/16 for one network's bridge, judged by the host's IPv4 addresses.</summary>
internal static class Subnet
{
    public const int PrefixLength = 24;

    /// <summary>One IPv4 address on a host interface, as <c>ip -o -4 addr</c> lists it.</summary>
    public readonly record struct HostAddress(string Interface, IPAddress Address, int PrefixLength);

    public static IPAddress Base(int third) => new([10, 213, (byte)third, 0]);

    public static IPAddress At(IPAddress subnet, int host)
    {
        var bytes = subnet.GetAddressBytes();
        bytes[3] = (byte)host;
        return new IPAddress(bytes);
    }

    /// <summary>Candidates for the third octet, starting at <paramref name="start"/> and wrapping, that no listed address overlaps.</summary>
    public static IEnumerable<int> Free(IReadOnlyList<HostAddress> taken, int start, string? ignoreInterface = null) =>
        Enumerable.Range(0, 256)
            .Select(k => (start + k) % 256)
            .Where(third => !taken.Any(a => a.Interface != ignoreInterface && Overlaps(a, Base(third))));

    public static bool Overlaps(HostAddress address, IPAddress subnet)
    {
        // Two prefixes overlap exactly when they agree on the shorter one's bits.
        var bits = Math.Min(address.PrefixLength, PrefixLength);
        if (bits == 0)
        {
            return true;
        }

        var mask = uint.MaxValue << (32 - bits);
        return (ToUInt(address.Address) & mask) == (ToUInt(subnet) & mask);
    }

    /// <summary>Reads <c>ip -o -4 addr</c>: "4: eth0    inet 192.0.2.2/24 brd … scope global eth0".</summary>
    public static IReadOnlyList<HostAddress> Parse(string ipAddrOutput)
    {
        var found = new List<HostAddress>();
        foreach (var line in ipAddrOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var inet = Array.IndexOf(words, "inet");
            if (words.Length < 2 || inet < 0 || inet + 1 >= words.Length)
            {
                continue;
            }

            var cidr = words[inet + 1].Split('/');
            if (IPAddress.TryParse(cidr[0], out var address)
                && int.TryParse(cidr.Length > 1 ? cidr[1] : "32", out var prefix)
                && prefix is >= 0 and <= 32)
            {
                found.Add(new HostAddress(words[1].Split('@')[0], address, prefix));
            }
        }

        return found;
    }

    private static uint ToUInt(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());
}
