using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fairway.Core.Chain;

namespace Fairway.Cli.Tests;

/// <summary><c>fairway submit</c> against a real validator, as the README tour runs it.</summary>
public sealed partial class SubmitCommandTests
{
    [Fact]
    public async Task Submit_prints_the_hash_and_a_status_line_that_works()
    {
        await using var node = await LocalValidator.StartAsync(validators: 1);
        var text = "tour " + Guid.NewGuid();

        var (exit, stdout, stderr) = FairwayProcess.Run("submit", "--url", node.ApiUrl.ToString(), "--namespace", "7", "--payload", text);

        Assert.True(exit == 0, stderr);
        var lines = Lines(stdout);
        var hash = new Transaction(7, Encoding.UTF8.GetBytes(text)).Hash.ToHex();
        Assert.Equal(hash, lines[0]);
        var statusUrl = new Uri(node.ApiUrl, $"/v1/status/tx/{hash}");
        Assert.Equal($"status: curl -s {statusUrl}", lines[1]);
        Assert.Equal(2, lines.Length);
        using var http = new HttpClient();
        using var status = JsonDocument.Parse(await http.GetStringAsync(statusUrl));
        Assert.Contains(status.RootElement.GetProperty("status").GetString(), new[] { "received", "soft", "firm" });
    }

    [Fact]
    public async Task Submit_wait_firm_prints_a_height_where_the_namespace_holds_the_transaction()
    {
        await using var node = await LocalValidator.StartAsync(validators: 1);
        var text = "firm " + Guid.NewGuid();

        var (exit, stdout, stderr) = FairwayProcess.Run("submit", "--url", node.ApiUrl.ToString(), "--namespace", "7", "--payload", text, "--wait", "firm", "--timeout-seconds", "60");

        Assert.True(exit == 0, stderr);
        var lines = Lines(stdout);
        var hash = new Transaction(7, Encoding.UTF8.GetBytes(text)).Hash.ToHex();
        Assert.Equal(hash, lines[0]);
        var firm = FirmLine().Match(lines[2]);
        Assert.True(firm.Success, stdout);
        var height = ulong.Parse(firm.Groups[1].Value, CultureInfo.InvariantCulture);
        var readUrl = new Uri(node.ApiUrl, $"/v1/availability/block/{height}/namespace/7");
        Assert.Equal($"read:   curl -s {readUrl}", lines[3]);

        using var http = new HttpClient();
        using var block = JsonDocument.Parse(await http.GetStringAsync(readUrl));
        Assert.Contains(hash, block.RootElement.GetProperty("transactions").EnumerateArray().Select(t => t.GetProperty("hash").GetString()));
        using var where = JsonDocument.Parse(await http.GetStringAsync(new Uri(node.ApiUrl, $"/v1/availability/transaction/hash/{hash}")));
        Assert.Equal(height, where.RootElement.GetProperty("height").GetUInt64());
        Assert.Equal(int.Parse(firm.Groups[2].Value, CultureInfo.InvariantCulture), where.RootElement.GetProperty("index").GetInt32());
    }

    [Fact]
    public async Task Submit_encrypted_seals_the_payload_and_the_namespace_holds_the_plaintext_once_firm()
    {
        await using var node = await LocalValidator.StartAsync(validators: 1);
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (JsonDocument.Parse(await http.GetStringAsync(new Uri(node.ApiUrl, "/v1/node/encryption-key"))).RootElement.GetProperty("state").GetString() != "ready")
        {
            Assert.True(DateTime.UtcNow < deadline, "the encryption key is not ready");
            await Task.Delay(100);
        }

        var text = "sealed " + Guid.NewGuid();
        var (exit, stdout, stderr) = FairwayProcess.Run(
            "submit", "--url", node.ApiUrl.ToString(), "--namespace", "3", "--payload", text, "--encrypted", "--wait", "firm", "--timeout-seconds", "60");

        Assert.True(exit == 0, stderr);
        var lines = Lines(stdout);
        Assert.NotEqual(new Transaction(3, Encoding.UTF8.GetBytes(text)).Hash.ToHex(), lines[0]);
        var firm = FirmLine().Match(lines[2]);
        Assert.True(firm.Success, stdout);
        using var block = JsonDocument.Parse(await http.GetStringAsync(new Uri(node.ApiUrl, $"/v1/availability/block/{firm.Groups[1].Value}/namespace/3")));
        Assert.Contains(text, block.RootElement.GetProperty("transactions").EnumerateArray().Select(t => Encoding.UTF8.GetString(Convert.FromBase64String(t.GetProperty("payload").GetString()!))));

        // Sealed for a namespace that is not encrypted: the node says so, and the command exits 1.
        var (refused, _, why) = FairwayProcess.Run("submit", "--url", node.ApiUrl.ToString(), "--namespace", "7", "--payload", text, "--encrypted");
        Assert.Equal(1, refused);
        Assert.Contains("not_encrypted_namespace", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_wait_gives_up_at_the_timeout_with_a_message_and_exit_1()
    {
        // One validator of four: it receives the transaction, but no block can be certified without the other three.
        await using var node = await LocalValidator.StartAsync(validators: 4);

        var (exit, stdout, stderr) = FairwayProcess.Run("submit", "--url", node.ApiUrl.ToString(), "--namespace", "7", "--payload", "stuck " + Guid.NewGuid(), "--wait", "soft", "--timeout-seconds", "2");

        Assert.Equal(1, exit);
        Assert.Equal(64, Lines(stdout)[0].Length);
        Assert.Contains("fairway submit: not soft within 2 s (last seen: received)", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--wait", "included", "fairway submit: --wait must be one of received, soft, firm, settled")]
    [InlineData("--wait", "final", "fairway submit: --wait must be one of received, soft, firm, settled")]
    [InlineData("--timeout-seconds", "0", "fairway submit: --timeout-seconds must be between 1 and 3600")]
    public void Submit_refuses_bad_wait_arguments_before_sending_anything(string flag, string value, string message)
    {
        // Port 9 (discard) is never a validator: the command must stop before any request.
        var (exit, stdout, stderr) = FairwayProcess.Run("submit", "--url", "http://127.0.0.1:9", "--namespace", "1", "--payload", "x", flag, value);

        Assert.Equal(2, exit);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.True(string.IsNullOrWhiteSpace(stdout));
    }

    [Fact]
    public async Task Submit_bundle_prints_the_bundle_and_leg_hashes_and_the_legs_land_together()
    {
        await using var node = await LocalValidator.StartAsync(validators: 1);
        var (first, second) = ("swap " + Guid.NewGuid(), "release " + Guid.NewGuid());

        var (exit, stdout, stderr) = FairwayProcess.Run(
            "submit", "--url", node.ApiUrl.ToString(), "--bundle", $"7:{first}", "--bundle", $"8:{second}", "--wait", "firm", "--timeout-seconds", "60");

        Assert.True(exit == 0, stderr);
        var lines = Lines(stdout);
        Transaction[] legs = [new(7, Encoding.UTF8.GetBytes(first)), new(8, Encoding.UTF8.GetBytes(second))];
        Assert.Equal(Bundle.Create(legs).Hash.ToHex(), lines[0]);
        Assert.Equal($"leg 0: {legs[0].Hash.ToHex()} (namespace 7)", lines[1]);
        Assert.Equal($"leg 1: {legs[1].Hash.ToHex()} (namespace 8)", lines[2]);
        var firm = FirmLine().Match(lines[4]);
        Assert.True(firm.Success, stdout);
        using var http = new HttpClient();
        foreach (var (leg, k) in legs.Select((l, k) => (l, k)))
        {
            var readUrl = new Uri(node.ApiUrl, $"/v1/availability/block/{firm.Groups[1].Value}/namespace/{leg.Namespace}");
            Assert.Equal($"read:   curl -s {readUrl}", lines[5 + k]);
            using var block = JsonDocument.Parse(await http.GetStringAsync(readUrl));
            Assert.Contains(leg.Hash.ToHex(), block.RootElement.GetProperty("transactions").EnumerateArray().Select(t => t.GetProperty("hash").GetString()));
        }
    }

    [Theory]
    [InlineData("--bundle", "7:a", "--namespace", "7", "--bundle takes no --namespace")]
    [InlineData("--bundle", "seven:a", "--wait", "firm", "--bundle takes NS:TEXT")]
    [InlineData("--payload", "x", "--wait", "firm", "give --namespace")]
    public void Submit_refuses_a_malformed_bundle_or_a_missing_namespace_before_sending_anything(string flag1, string value1, string flag2, string value2, string message)
    {
        var (exit, stdout, stderr) = FairwayProcess.Run("submit", "--url", "http://127.0.0.1:9", flag1, value1, flag2, value2);

        Assert.Equal(2, exit);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.True(string.IsNullOrWhiteSpace(stdout));
    }

    [Fact]
    public void The_readme_tour_shows_what_submit_prints_for_its_own_transaction()
    {
        // The output format itself is pinned by the tests above against a real node; this pins the README to it.
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var hash = new Transaction(1, "hello"u8.ToArray()).Hash.ToHex();

        Assert.Contains("dotnet run --project src/Fairway.Cli -- submit --url http://127.0.0.1:27100 --namespace 1 --payload hello --wait firm\n", readme, StringComparison.Ordinal);
        Assert.Contains($"   {hash}\n   status: curl -s http://127.0.0.1:27100/v1/status/tx/{hash}\n   firm at height 12, index 0\n"
            + "   read:   curl -s http://127.0.0.1:27100/v1/availability/block/12/namespace/1\n", readme, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fairway.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (Fairway.slnx) not found above the test binaries");
    }

    private static string[] Lines(string stdout) => stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [GeneratedRegex("^firm at height ([0-9]+), index ([0-9]+)$")]
    private static partial Regex FirmLine();
}
