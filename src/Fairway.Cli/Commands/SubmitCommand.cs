using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;

namespace Fairway.Cli.Commands;

/// <summary><c>fairway submit</c>: sends one transaction to a validator and prints its hash.</summary>
internal static class SubmitCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "validator API, e.g. http://127.0.0.1:27100", Required = true };
        var ns = new Option<ulong>("--namespace") { Description = "the rollup's namespace id", Required = true };
        var payload = new Option<string?>("--payload") { Description = "payload text (UTF-8)" };
        var file = new Option<string?>("--file") { Description = "payload file" };
        var command = new Command("submit", "submit one transaction") { url, ns, payload, file };
        command.SetAction(async (result, ct) =>
        {
            var text = result.GetValue(payload);
            var path = result.GetValue(file);
            if ((text is null) == (path is null))
            {
                Console.Error.WriteLine("fairway submit: give exactly one of --payload or --file");
                return 2;
            }

            byte[] bytes;
            try
            {
                bytes = text is not null ? System.Text.Encoding.UTF8.GetBytes(text) : await File.ReadAllBytesAsync(path!, ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"fairway submit: {e.Message}");
                return 2;
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            try
            {
                var endpoint = new Uri(new Uri(result.GetValue(url)!), "/v1/submit");
                using var response = await http.PostAsJsonAsync(endpoint, new { @namespace = result.GetValue(ns), payload = Convert.ToBase64String(bytes) }, ct).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    Console.Error.WriteLine($"fairway submit: {(int)response.StatusCode} {body}");
                    return 1;
                }

                using var json = JsonDocument.Parse(body);
                Console.WriteLine(json.RootElement.GetProperty("hash").GetString());
                return 0;
            }
            catch (Exception e) when (e is HttpRequestException or UriFormatException or TaskCanceledException or JsonException)
            {
                Console.Error.WriteLine($"fairway submit: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
