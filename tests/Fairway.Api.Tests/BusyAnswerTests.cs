using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Fairway.Api.Tests;

/// <summary>A full node answers quickly with 429, the JSON error and <c>Retry-After</c>, so clients back off instead of queueing.</summary>
public class BusyAnswerTests
{
    [Fact]
    public async Task A_busy_answer_is_a_429_json_error_that_says_when_to_retry()
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        using var body = new MemoryStream();
        context.Response.Body = body;

        await ApiError.Busy().ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status429TooManyRequests, context.Response.StatusCode);
        Assert.Equal(ApiError.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), context.Response.Headers.RetryAfter.ToString());
        using var json = JsonDocument.Parse(body.ToArray());
        Assert.Equal("busy", json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }
}
