using ZangZhiFa.Workflow.Infrastructure.Email;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Email;

public sealed class HtmlToPlainTextTests
{
    [Fact]
    public void Convert_KeepsParagraphsListsAndLinks_WhenGivenANoticeFragment()
    {
        const string html = """
            <html><head><title>督办</title><style>p { color: red }</style></head>
            <body>
              <h2>督办通知书</h2>
              <p>城关区市场监督管理局：<br>请于
                 5个工作日内办结。</p>
              <ul><li>事项编号：XZ-2026-0001</li><li>承办人：次仁&nbsp;卓玛</li></ul>
              <p>办理入口：<a href="https://zfjd.example.cn/tasks/42">点此处理</a> &amp; 反馈</p>
              <!-- 内部备注 -->
            </body></html>
            """;

        var text = HtmlToPlainText.Convert(html);

        text.Should().Be(
            "督办通知书\n\n城关区市场监督管理局：\n请于 5个工作日内办结。\n\n" +
            "• 事项编号：XZ-2026-0001\n• 承办人：次仁 卓玛\n\n" +
            "办理入口：点此处理 (https://zfjd.example.cn/tasks/42) & 反馈");
    }

    [Fact]
    public void Convert_ReturnsEmpty_WhenHtmlIsBlank()
    {
        HtmlToPlainText.Convert("  ").Should().BeEmpty();
    }
}
