using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Fairway.Node.Keys;
using Fairway.Settlement;

namespace Fairway.Cli.Commands;

/// <summary>A flag or file the user gave is wrong: exit 2 with the message, as for any usage error.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>A validator API the command asked did not answer as it should: exit 1, like the L1 failing.</summary>
internal sealed class NodeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// What the L1 commands (<c>stake</c>, <c>unstake</c>, <c>evidence submit</c>) share: their flags, reading the key,
/// parsing ether and addresses, and one exit-code convention: 2 for usage and files, 1 when the L1 (or a node) refused
/// or failed, 130 when interrupted; never a stack trace.
/// </summary>
internal static class L1Cli
{
    private const int WeiDecimals = 18;

    private static readonly string[] L1Commands = ["stake", "unstake", "submit", "force-include"];

    public static Option<string> L1Url() => new("--l1") { Description = "the L1's JSON-RPC URL, e.g. http://127.0.0.1:8545", Required = true };

    public static Option<string> KeyFile() => new("--key")
    {
        Description = "settlement key file (fairway keys settlement --out FILE): its account signs and pays for the transaction",
        Required = true,
    };

    public static Option<bool> Json() => new("--json") { Description = "print one JSON object instead of a line" };

    /// <summary>
    /// The L1 commands' flag errors (a missing required flag, an unknown one) exit 2 like their other usage errors,
    /// one line each, instead of System.CommandLine's exit 1 and help text; null for other commands or no error.
    /// </summary>
    public static int? ParseErrorExit(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var command = parsed.CommandResult.Command;
        if (parsed.Errors.Count == 0 || !L1Commands.Contains(command.Name) || (command.Name == "submit" && command.Parents.FirstOrDefault()?.Name != "evidence"))
        {
            return null;
        }

        var name = command.Name == "submit" ? EvidenceCommand.Name : command.Name;
        foreach (var error in parsed.Errors)
        {
            Console.Error.WriteLine($"fairway {name}: {error.Message}");
        }

        return 2;
    }

    /// <summary>Runs <paramref name="body"/>, turning each kind of failure into its one-line message and exit code.</summary>
    public static async Task<int> RunAsync(string command, Func<CancellationToken, Task<int>> body, CancellationToken ct)
    {
        try
        {
            return await body(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine($"fairway {command}: interrupted");
            return 130;
        }
        catch (Exception e) when (e is UsageException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"fairway {command}: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException)
        {
            Console.Error.WriteLine($"fairway {command}: a validator API failed: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is L1Exception or NodeException)
        {
            Console.Error.WriteLine($"fairway {command}: {e.Message}");
            return 1;
        }
    }

    /// <summary>Reads the settlement key file; its private key is never printed, not even in errors.</summary>
    public static SettlementKey ReadKey(string path) => SettlementKeyFile.Read(path);

    /// <summary>A connection for the stake table's commands; they never call the light client, so none is named.</summary>
    public static async Task<L1Contracts> ConnectToStakeTableAsync(string url, SettlementKey key, string stakeTable, CancellationToken ct) =>
        new(await ConnectAsync(url, key, ct).ConfigureAwait(false), new L1Addresses(stakeTable, LightClient: ""));

    /// <summary>A connection for the light client's commands, with the stake table it reads its epochs and stakes from.</summary>
    public static async Task<L1Contracts> ConnectToLightClientAsync(string url, SettlementKey key, string lightClient, CancellationToken ct)
    {
        var connection = await ConnectAsync(url, key, ct).ConfigureAwait(false);
        var stakeTable = await connection.CallAsync<string>(connection.Contract(ContractArtifact.LightClient, lightClient), "stakeTable", null).ConfigureAwait(false);
        return new L1Contracts(connection, new L1Addresses(stakeTable, lightClient));
    }

    /// <summary>A signing connection to the L1 at <paramref name="url"/> (<c>--l1</c>), refused as usage when it is not an http(s) URL.</summary>
    public static async Task<L1Connection> ConnectAsync(string url, SettlementKey key, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            throw new UsageException($"--l1 {url} is not an http(s) URL");
        }

        return await L1Connection.ConnectAsync(url, key, ct).ConfigureAwait(false);
    }

    /// <summary>A validator API's URL, refused as usage when it is not an absolute http(s) URL.</summary>
    public static Uri ApiUri(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == "http" || uri.Scheme == "https")
            ? uri
            : throw new UsageException($"'{text}' is not an http(s) URL of a validator API");

    /// <summary>An L1 address: 0x and 40 hex digits. <paramref name="flag"/> names it in the error.</summary>
    public static string Address(string? text, string flag)
    {
        if (text is { Length: 42 } && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text[2..].All(char.IsAsciiHexDigit))
        {
            return text;
        }

        throw new UsageException($"{flag} must be an L1 address (0x and 40 hex digits), not '{text}'");
    }

    /// <summary>A positive amount of ether in decimal (up to 18 decimals), in wei.</summary>
    public static BigInteger Ether(string? text, string flag)
    {
        var parts = (text ?? "").Split('.');
        var whole = parts[0];
        var fraction = parts.Length == 2 ? parts[1] : "";
        if (parts.Length > 2 || whole.Length == 0 || fraction.Length > WeiDecimals || (parts.Length == 2 && fraction.Length == 0)
            || !whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit))
        {
            throw new UsageException($"{flag} must be an amount of ether such as 10 or 0.5 (at most {WeiDecimals} decimals), not '{text}'");
        }

        var wei = BigInteger.Parse(whole + fraction.PadRight(WeiDecimals, '0'), NumberStyles.None, CultureInfo.InvariantCulture);
        return wei.IsZero ? throw new UsageException($"{flag} must be more than zero") : wei;
    }

    /// <summary>Wei as ether in decimal, without trailing zeros.</summary>
    public static string FormatEther(BigInteger wei)
    {
        var whole = BigInteger.DivRem(wei, BigInteger.Pow(10, WeiDecimals), out var rest);
        var fraction = rest.ToString(CultureInfo.InvariantCulture).PadLeft(WeiDecimals, '0').TrimEnd('0');
        return fraction.Length == 0 ? whole.ToString(CultureInfo.InvariantCulture) : $"{whole}.{fraction}";
    }

    /// <summary>The one line, or with <c>--json</c> the one object, that reports what a command did.</summary>
    public static void Report(bool json, string line, object fields) =>
        Console.WriteLine(json ? JsonSerializer.Serialize(fields) : line);
}
