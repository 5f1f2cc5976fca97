using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Fairway.Api;

/// <summary>Services the API needs: a per-client rate limit that answers 429.</summary>
public static class ApiServices
{
    public static void Add(IServiceCollection services, ApiLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                // The bucket refills every second: say so, so a client backs off for that long instead of retrying at once.
                context.HttpContext.Response.Headers.RetryAfter = ApiError.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetTokenBucketLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = limits.RequestsPerSecondPerClient * 2,
                        TokensPerPeriod = limits.RequestsPerSecondPerClient,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
        });
    }
}
