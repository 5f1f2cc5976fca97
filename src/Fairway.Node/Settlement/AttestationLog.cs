using System.Globalization;
using Fairway.Node.Runtime;
using Fairway.Settlement;

namespace Fairway.Node.Settlement;

/// <summary>
/// Every settlement statement this validator signed, appended and fsynced before the signature leaves the node, one
/// line each: <c>height parent output signature</c> in hex. A restart reads it back, so the validator signs the same
/// statement again rather than a second one for a height (which the L1 would slash). A torn last line from a crash
/// mid-write is dropped: its signature was never sent.
/// </summary>
internal sealed class AttestationLog : IDisposable
{
    /// <summary>The newest entries kept in memory, to re-send while their heights are unsettled.</summary>
    public const int RecentMax = 64;

    private readonly FileStream _file;
    private readonly LinkedList<Attestation> _recent = new();

    public AttestationLog(string path)
    {
        var good = 0L;
        if (File.Exists(path))
        {
            var length = new FileInfo(path).Length;
            using var reader = new StreamReader(path);
            var offset = 0L;
            while (reader.ReadLine() is { } line)
            {
                offset += System.Text.Encoding.UTF8.GetByteCount(line) + 1;

                // A last line without its newline is torn even when it parses: the append writing it never returned,
                // and kept, the next append would run on into it.
                if (offset > length || Parse(line) is not { } entry)
                {
                    break;
                }

                good = offset;
                Remember(entry);
            }
        }

        _file = DurableAppend.Open(path);
        _file.SetLength(Math.Min(good, _file.Length));
        _file.Seek(0, SeekOrigin.End);
    }

    public Attestation? Last => _recent.Last?.Value;

    public IReadOnlyCollection<Attestation> Recent => _recent;

    public void Append(Attestation attestation)
    {
        ArgumentNullException.ThrowIfNull(attestation);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{attestation.Height} {Convert.ToHexStringLower(attestation.Parent)} {Convert.ToHexStringLower(attestation.OutputHash)} {Convert.ToHexStringLower(attestation.Signature)}\n");
        DurableAppend.Write(_file, System.Text.Encoding.ASCII.GetBytes(line));
        Remember(attestation);
    }

    public void Dispose() => _file.Dispose();

    private void Remember(Attestation attestation)
    {
        _recent.AddLast(attestation);
        while (_recent.Count > RecentMax)
        {
            _recent.RemoveFirst();
        }
    }

    private static Attestation? Parse(string line)
    {
        var parts = line.Split(' ');
        if (parts.Length != 4 || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var height)
            || parts[1].Length != 64 || parts[2].Length != 64 || parts[3].Length != 130
            || !parts.Skip(1).All(p => p.All(char.IsAsciiHexDigit)))
        {
            return null;
        }

        return new Attestation(height, Convert.FromHexString(parts[1]), Convert.FromHexString(parts[2]), Convert.FromHexString(parts[3]));
    }
}
