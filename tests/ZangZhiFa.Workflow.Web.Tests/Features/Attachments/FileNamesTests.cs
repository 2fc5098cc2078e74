using ZangZhiFa.Workflow.Web.Features.Attachments;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Attachments;

public sealed class FileNamesTests
{
    [Theory]
    [InlineData("../../etc/passwd.pdf", "passwd.pdf")]
    [InlineData("C:\\Users\\me\\Desktop\\照片.jpg", "照片.jpg")]
    [InlineData("C:evil.pdf", "Cevil.pdf")]
    [InlineData("..", null)]
    [InlineData(".hidden.pdf", "hidden.pdf")]
    [InlineData("a\u0000b\r\nc.pdf", "abc.pdf")]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")]
    [InlineData("  空格.pdf. ", "空格.pdf")]
    [InlineData("   ", null)]
    public void Sanitise_ReturnsTheLastPartWithoutUnsafeCharacters_WhenGivenATrickyName(string raw, string? expected)
    {
        FileNames.Sanitise(raw, 100).Should().Be(expected);
    }

    [Fact]
    public void Sanitise_CutsTheStemAndKeepsTheExtension_WhenTheNameIsTooLong()
    {
        var name = FileNames.Sanitise(new string('证', 300) + ".pdf", 100);

        name.Should().HaveLength(100).And.EndWith("证.pdf");
    }
}
