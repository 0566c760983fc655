using System.Net;
using Latchkey.Webhooks;

namespace Latchkey.Tests.Webhooks;

/// <summary>Which addresses a delivery may connect to, by default and with each allowance the operator can give.</summary>
public sealed class WebhookAddressPolicyTests
{
    [Theory]
    [InlineData("93.184.216.34", true, true)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", true, true)]
    [InlineData("127.0.0.1", false, false)]
    [InlineData("127.8.9.10", false, false)]
    [InlineData("::1", false, false)]
    [InlineData("::ffff:127.0.0.1", false, false)]
    [InlineData("10.1.2.3", false, true)]
    [InlineData("172.16.0.1", false, true)]
    [InlineData("172.31.255.255", false, true)]
    [InlineData("192.168.0.1", false, true)]
    [InlineData("100.100.100.200", false, true)]
    [InlineData("fd00:ec2::254", false, true)]
    [InlineData("::ffff:10.0.0.1", false, true)]
    [InlineData("64:ff9b::a00:1", false, true)]
    [InlineData("2002:a00:1::1", false, true)]
    [InlineData("169.254.169.254", false, false)]
    [InlineData("fe80::1", false, false)]
    [InlineData("0.0.0.0", false, false)]
    [InlineData("::", false, false)]
    [InlineData("224.0.0.1", false, false)]
    [InlineData("255.255.255.255", false, false)]
    [InlineData("ff02::1", false, false)]
    [InlineData("172.32.0.1", true, true)]
    public void Refusal_ByDefaultAndWithPrivateNetworksAllowed(string address, bool byDefault, bool withPrivateNetworks)
    {
        var ip = IPAddress.Parse(address);

        Assert.Equal(byDefault, WebhookAddressPolicy.Refusal(ip, new WebhookOptions()) is null);
        Assert.Equal(withPrivateNetworks, WebhookAddressPolicy.Refusal(ip, new WebhookOptions { AllowPrivateNetworks = true }) is null);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Loopback_AllowedOnlyWhenTheOperatorSaysSo(string address) =>
        Assert.Null(WebhookAddressPolicy.Refusal(IPAddress.Parse(address), new WebhookOptions { AllowLoopback = true }));

    [Theory]
    [InlineData("https://hooks.example/in", false, true)]
    [InlineData("http://hooks.example/in", false, false)]
    [InlineData("http://hooks.example/in", true, false)]
    [InlineData("http://127.0.0.1:8080/in", false, false)]
    [InlineData("http://127.0.0.1:8080/in", true, true)]
    [InlineData("http://localhost:8080/in", true, true)]
    [InlineData("ftp://hooks.example/in", true, false)]
    public void Scheme_HttpsOnly_LoopbackHttpWhenAllowed(string url, bool allowLoopback, bool allowed) =>
        Assert.Equal(allowed, WebhookSender.Refusal(url, new WebhookOptions { AllowLoopback = allowLoopback }) is null);
}
