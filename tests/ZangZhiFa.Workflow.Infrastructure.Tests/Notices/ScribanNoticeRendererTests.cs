using System.Diagnostics;
using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Infrastructure.Notices;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Notices;

public sealed class ScribanNoticeRendererTests : IDisposable
{
    private const string A4Rule = "@page { size: A4; margin: 37mm 26mm 35mm 28mm; }";

    // Immutable after construction, so one instance serves every test, as it serves the app.
    private static readonly ScribanNoticeRenderer Shipped = new(FindTemplatesFolder());

    private readonly List<string> _tempFolders = [];

    public void Dispose()
    {
        foreach (var folder in _tempFolders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static TheoryData<string, string[]> ShippedTemplates => new()
    {
        {
            "notices/supervision-notice",
            ["拉司督〔2026〕3号", "<div class=\"issuer-mark\">拉萨市司法局</div>", "拉萨市城关区司法局：", "你单位承办的“投诉举报受理审查（TS-2026-000123）”事项",
             "第2次督办", "于2026年3月9日前办结", "向本机关反馈办理结果", "业务编号：TS-2026-000123", "2026年3月2日"]
        },
        {
            "notices/complaint-receipt",
            ["拉司投〔2026〕12号", "拉萨市司法局", "次仁卓玛：", "登记编号为TS-2026-000123", "2026年3月1日 10:30",
             "拉萨市城关区市场监督管理局", "执法人员在检查我店时态度粗暴", "不将你的身份信息和投诉举报材料透露给被投诉单位", "2026年3月2日"]
        },
        {
            "notices/complaint-accepted",
            ["拉司投〔2026〕12号", "次仁卓玛：", "关于拉萨市城关区市场监督管理局的投诉举报（类别：执法态度；登记编号：TS-2026-000123）",
             "本机关决定予以受理", "由拉萨市城关区司法局具体承办", "并于2026年3月31日前办结", "2026年3月2日"]
        },
        {
            "notices/complaint-rejected",
            ["拉司投〔2026〕12号", "次仁卓玛：", "经审查，你反映的事项已由拉萨市城关区人民法院立案受理。",
             "根据《信访工作条例》，本机关决定不予受理。", "依法通过诉讼程序主张权利", "2026年3月2日"]
        },
        {
            "notices/complaint-transferred",
            ["拉司投〔2026〕12号", "次仁卓玛：", "依法应由拉萨市城关区农业农村局处理", "于2026年3月3日将该事项转送拉萨市城关区农业农村局",
             "0891-6320000", "2026年3月2日"]
        },
        {
            "notices/complaint-extension",
            ["拉司投〔2026〕12号", "次仁卓玛：", "因需要对涉案商品进行检验检测，该事项不能在规定期限内办结",
             "延长至2026年4月30日（原办结期限为2026年3月31日）", "延长期限不超过三十日", "2026年3月2日"]
        },
        {
            "notices/complaint-supplement",
            ["拉司投〔2026〕12号", "次仁卓玛：", "请你于2026年3月16日前补充或者更正下列材料", "<li>执法现场的照片或者视频</li>",
             "<li>行政处罚决定书复印件</li>", "等待补正材料的时间不计入办理期限", "2026年3月2日"]
        },
        {
            "notices/complaint-reply",
            ["拉司投〔2026〕12号", "次仁卓玛：", "本机关于2026年3月4日依法受理后", "请求对执法人员的粗暴行为进行调查处理",
             "执法人员在检查中使用不文明用语", "你反映的问题<strong>部分属实</strong>", "《中华人民共和国行政处罚法》第五条",
             "自收到本答复意见书之日起30日内，向拉萨市人民政府请求复查", "“满意”“基本满意”或者“不满意”", "2026年3月2日"]
        },
        {
            "notices/complaint-review-decision",
            ["拉司投〔2026〕12号", "拉萨市人民政府", "次仁卓玛：", "作出的《答复意见书》（拉司投〔2026〕8号）不服",
             "于2026年4月10日向本机关请求复查", "<strong>维持原答复意见</strong>", "请求复核", "对同一事项不再受理", "2026年3月2日"]
        },
        {
            "notices/demo-result",
            ["藏司告〔2026〕1号", "西藏自治区司法厅", "卓玛：", "你反映的“反映城管执法人员野蛮执法”一事", "部分属实", "三十日内", "2026年3月2日"]
        },
        {
            "notices/accountability-statement",
            ["拉司问〔2026〕12号", "<div class=\"issuer-mark\">拉萨市司法局</div>", "巴桑：", "办理投诉举报（登记编号：TS-2026-000123）中",
             "未按规定出示执法证件", "目前掌握的事实：执法记录仪显示未出示证件。", "5个工作日内", "不因你的陈述申辩而加重处理", "抄送：城关区城市管理综合行政执法局。"]
        },
        {
            "notices/accountability-exemption",
            ["巴桑：", "<li>法律法规规章没有规定或者规定不明确，因理解偏差导致执法错误</li>", "<li>已依法履行程序、尽到审慎义务</li>",
             "<strong>免予追究责任</strong>", "案件编号：WZ-2026-000007"]
        },
        {
            "notices/accountability-decision",
            ["巴桑：", "听取并核查了你的陈述申辩", "执法时未出示证件，亦未告知当事人权利", "鉴于你具有从轻、减轻情形",
             "本机关决定对你予以<strong>诫勉谈话</strong>", "同时责成你所在单位城关区城市管理综合行政执法局纠正有关执法行为：规范亮证执法",
             "自收到本决定书之日起30日内向本机关申请复核", "本决定不停止执行"]
        },
        {
            "notices/accountability-rectification",
            ["城关区城市管理综合行政执法局：", "以《问责决定书》（拉司问〔2026〕9号）对你单位执法人员巴桑作出诫勉谈话的决定", "规范亮证执法",
             "10个工作日内完成整改"]
        },
        {
            "notices/accountability-reconsideration",
            ["<div class=\"issuer-mark\">西藏自治区司法厅</div>", "巴桑：", "《问责决定书》（拉司问〔2026〕9号）不服", "理由是：处理过重",
             "<strong>变更原问责决定</strong>，变更为：批评教育", "本复核决定为最终决定"]
        },
        {
            "notices/legal-review-opinion",
            ["<div class=\"issuer-mark\">城关区司法局</div>", "城关区城市管理综合行政执法局：", "（城管罚〔2026〕15号）“某建材公司占道堆放案”",
             "（属于对单位处以10万元以上罚款情形）", "<tr><th>当事人</th><td>拉萨某建材有限公司</td></tr>", "<tr><th>执法程序</th><td>不符合</td></tr>",
             "<tr><th>证据</th><td>符合</td></tr>", "未发现涉嫌犯罪需移送的情形", "审核意见为：<strong>建议修改后提交</strong>。未告知当事人听证权利。",
             "修改后重新报送法制审核", "审核人员：fzsh.chengguan", "送审编号：FS-2026-000001", "附件：<ol><li>听证笔录.pdf</li><li>现场照片.jpg</li></ol>"]
        },
        {
            "notices/supervision-document",
            ["<div class=\"issuer-mark\">城关区司法局</div>", "城关区城市管理综合行政执法局：", "在“八廓街占道经营整治”中存在下列问题", "一律没收物品",
             "根据《行政执法监督条例》第二十四条，本机关决定责令你单位纠正", "退还违法扣押的物品", "10个工作日内纠正", "5个工作日内向本机关书面提出",
             "异议期间，本决定不停止执行", "监督编号：JD-2026-000001"]
        },
        {
            "notices/supervision-objection-reply",
            ["城关区城市管理综合行政执法局：", "《行政执法监督决定书》（藏司监〔2026〕1号）提出异议", "理由是：扣押物品系依法实施",
             "<strong>变更原监督决定</strong>，变更为：仅退还鲜活商品", "按照变更后的决定继续纠正"]
        },
        {
            "notices/supervisor-appointment",
            ["<div class=\"issuer-mark\">拉萨市司法局</div>", "边巴：", "聘请你为拉萨市司法局行政执法特邀监督员（律师），聘期自2026年3月2日至2031年3月1日", "主动申请回避", "编号：PY-2026-000001"]
        },
        {
            "email/task-reminder",
            ["办理提醒：投诉举报受理审查（TS-2026-000123）", "德吉：", "拉萨市城关区司法局承办的任务《投诉举报受理审查（TS-2026-000123）》",
             "2026年3月5日 18:00", "href=\"https://zfjd.xizang.example/tasks/42\""]
        },
    };

    [Theory]
    [MemberData(nameof(ShippedTemplates))]
    public void Render_ProducesFullDocumentWithVisibleFacts_ForEveryShippedTemplate(string templateId, string[] expected)
    {
        var html = Shipped.Render(templateId, SampleModel(templateId));

        html.Should().StartWith("<!DOCTYPE html>").And.Contain("<html lang=\"zh-CN\">").And.EndWith("</html>\n");
        html.Should().NotContain("{{").And.NotContain("}}");
        foreach (var text in expected)
        {
            html.Should().Contain(text);
        }

        if (templateId.StartsWith("notices/", StringComparison.Ordinal))
        {
            html.Should().Contain(A4Rule).And.Contain("\"Noto Serif CJK SC\"").And.Contain("FangSong")
                .And.Contain("class=\"issuer-mark\"").And.Contain("class=\"seal\"").And.Contain("（印章）");
        }
    }

    [Fact]
    public void TemplateIds_ListsEveryShippedTemplateWithoutLayouts_WhenLoaded()
    {
        Shipped.TemplateIds.Should().BeEquivalentTo(ShippedTemplates.Select(row => (string)row[0]));
        Shipped.Problems.Should().BeEmpty();
    }

    [Theory]
    [InlineData("notices/supervision-notice", true)]
    [InlineData("notices/complaint-reply", true)]
    [InlineData("email/task-reminder", true)]
    [InlineData("notices/_layout", false)]
    [InlineData("notices/no-such-notice", false)]
    [InlineData("notices/supervision-notice.sbn", false)]
    [InlineData("../templates/notices/supervision-notice", false)]
    [InlineData("", false)]
    public void TemplateExists_AnswersByTemplateId_WhenAsked(string templateId, bool exists)
    {
        Shipped.TemplateExists(templateId).Should().Be(exists);
    }

    [Fact]
    public void Render_Throws_WhenTemplateUnknown()
    {
        var act = () => Shipped.Render("notices/no-such-notice", []);

        act.Should().Throw<TemplateRenderException>().WithMessage("*notices/no-such-notice*");
    }

    [Fact]
    public void Render_EncodesScriptInValues_WhenModelCarriesMarkup()
    {
        var model = SampleModel("notices/complaint-receipt");
        model["complaint"]!["description"] = "<script>alert(1)</script> & \"quoted\"";
        model["complaint"]!["complainantName"] = "<img src=x onerror=alert(2)>";
        model["supervisingUnitName"] = "\"><script>alert(3)</script>";

        var html = Shipped.Render("notices/complaint-receipt", model);

        html.Should().NotContain("<script").And.NotContain("<img").And.NotContain("\"><");
        html.Should().Contain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;")
            .And.Contain("&lt;img src=x onerror=alert(2)&gt;：");
    }

    [Fact]
    public void Render_LeavesOutControlAndBidiCharacters_WhenAValueCarriesThem()
    {
        var model = SampleModel("notices/complaint-receipt");
        model["complaint"]!["complainantName"] = "张\u0000三\u202e";
        model["complaint"]!["description"] = "第一行\u0007\n第二行\u2066，藏文\u200bལས་དོན";

        var html = Shipped.Render("notices/complaint-receipt", model);

        html.Should().Contain("张三：", "a NUL is not valid HTML and a right-to-left override would reorder what follows in the notice")
            .And.NotContain("&#x0;").And.NotContain("\u202e").And.NotContain("\u2066").And.NotContain("\u0007");
        html.Should().Contain("藏文\u200bལས་དོན", "a zero-width space may mark a Tibetan line-break point and stays");
    }

    [Fact]
    public void Render_ShowsNoNameAndTellsOfAnonymity_WhenComplaintAnonymous()
    {
        var model = SampleModel("notices/complaint-receipt");
        model["complaint"]!["anonymous"] = true;
        model["complaint"]!["complainantName"] = null;

        var html = Shipped.Render("notices/complaint-receipt", model);

        html.Should().Contain("投诉举报人：").And.Contain("以匿名方式").And.NotContain("次仁卓玛");
    }

    [Fact]
    public void Render_FallsBackToDefaults_WhenOptionalTaskFieldsAbsent()
    {
        var model = SampleModel("notices/complaint-reply");
        model["decision"] = new JsonObject { ["outcome"] = "unsubstantiated", ["comment"] = "经查，执法程序合法。" };
        model["notice"]!["documentNumber"] = null;

        var html = Shipped.Render("notices/complaint-reply", model);

        html.Should().Contain("<strong>不属实</strong>").And.Contain("经查，执法程序合法。")
            .And.Contain("向本机关的上一级行政机关请求复查").And.NotContain("class=\"doc-number\"");
    }

    [Fact]
    public void Render_NamesFileLineAndColumn_WhenShippedTemplateMissesRequiredVariable()
    {
        var model = SampleModel("notices/complaint-reply");
        model.Remove("decision");

        var act = () => Shipped.Render("notices/complaint-reply", model);

        act.Should().Throw<TemplateRenderException>()
            .WithMessage("*notices/complaint-reply.sbn:*:*`decision`*not found*");
    }

    [Fact]
    public void Render_NamesFileLineAndColumn_WhenVariableMissing()
    {
        var renderer = Renderer(("notices/broken.sbn", "<p>ok</p>\n  {{ missing_name }}\n"));

        var act = () => renderer.Render("notices/broken", []);

        act.Should().Throw<TemplateRenderException>().WithMessage("*notices/broken.sbn:2:6*`missing_name`*");
    }

    [Fact]
    public void Render_NamesLayoutFile_WhenErrorIsInLayout()
    {
        var renderer = Renderer(
            ("notices/_layout.sbn", "<html>\n{{ page.body }}\n{{ no_such_thing }}</html>"),
            ("notices/plain.sbn", "body"));

        var act = () => renderer.Render("notices/plain", []);

        act.Should().Throw<TemplateRenderException>().WithMessage("*notices/_layout.sbn:3:4*`no_such_thing`*");
    }

    [Fact]
    public void Render_ReportsSyntaxErrorWithPosition_WhenTemplateDoesNotParse()
    {
        var renderer = Renderer(("notices/bad.sbn", "line one\n{{ if }}\n"));

        var act = () => renderer.Render("notices/bad", []);

        act.Should().Throw<TemplateRenderException>().WithMessage("*notices/bad.sbn:2:*");
        renderer.TemplateExists("notices/bad").Should().BeTrue("a broken template exists; rendering it says what is wrong");
        renderer.Problems.Should().ContainSingle().Which.Should().Contain("notices/bad.sbn:2:");
    }

    [Fact]
    public void Render_Fails_WhenTemplateTriesToInclude()
    {
        var renderer = Renderer(("notices/inc.sbn", "{{ include 'notices/_layout' }}"));

        var act = () => renderer.Render("notices/inc", []);

        act.Should().Throw<TemplateRenderException>().WithMessage("*notices/inc.sbn:1:4*");
    }

    [Theory]
    [InlineData("{{ ''.GetType() }}")]
    [InlineData("{{ x.GetType().Assembly }}")]
    [InlineData("{{ object.eval_template '{{ 1 + 1 }}' }}")]
    [InlineData("{{ object.eval 'x' }}")]
    [InlineData("{{ date.format = '%Y' }}")]
    [InlineData("{{ string.upcase = 1 }}")]
    public void Render_Fails_WhenTemplateReachesForDotNetOrCodeEvaluation(string source)
    {
        var renderer = Renderer(("t.sbn", source));

        var act = () => renderer.Render("t", new JsonObject { ["x"] = "text" });

        act.Should().Throw<TemplateRenderException>();
    }

    [Fact]
    public void Render_YieldsNothing_WhenTemplateReachesForClockOrDotNetMembers()
    {
        var renderer = Renderer(("t.sbn", "[{{ date.now }}|{{ date.utc_now }}|{{ x.GetType }}|{{ x.Length }}|{{ this.nope }}]"));

        renderer.Render("t", new JsonObject { ["x"] = "text" }).Should().Be("[||||]");
    }

    [Fact]
    public void Render_StopsRunawayTemplate_WhenTimeBudgetSpent()
    {
        // Depth 40 stays under the recursion limit, but 2^40 calls would run for days.
        var renderer = Renderer(("t.sbn", "{{ func f(n)\n if n > 0\n  f(n - 1)\n  f(n - 1)\n end\nend\nf(40) }}"));
        var clock = Stopwatch.StartNew();

        var act = () => renderer.Render("t", []);

        act.Should().Throw<TemplateRenderException>().WithMessage("*t.sbn:*time budget*");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void Render_EscapesOnce_WhenAuthorAlsoEscapesOrCapturesOrBreaksLines()
    {
        var renderer = Renderer(("t.sbn",
            "{{ x | html.escape }}|{{ capture c }}<b>{{ x }}</b>{{ end }}{{ c }}|{{ y | html.newline_to_br }}|{{ 'a' + x }}"));

        var html = renderer.Render("t", new JsonObject { ["x"] = "<i>", ["y"] = "甲<b>\n乙" });

        html.Should().Be("&lt;i&gt;|<b>&lt;i&gt;</b>|甲&lt;b&gt;<br />\n乙|a&lt;i&gt;");
    }

    [Fact]
    public void Render_WrapsBodyInNearestLayoutWithFrontMatterValues_WhenLayoutPresent()
    {
        var renderer = Renderer(
            ("_layout.sbn", "ROOT[{{ page.body }}]"),
            ("a/_layout.sbn", "<h1>{{ page.heading }}</h1><main>{{ page.body }}</main>"),
            ("a/b/doc.sbn", "+++\npage.heading = who + '<告知>'\nprinted = 'not shown'\n+++\n<p>{{ who }}</p>"),
            ("top.sbn", "top"));

        renderer.Render("a/b/doc", new JsonObject { ["who"] = "卓嘎" })
            .Should().Be("<h1>卓嘎&lt;告知&gt;</h1><main><p>卓嘎</p></main>");
        renderer.Render("top", []).Should().Be("ROOT[top]");
        renderer.TemplateIds.Should().Equal("a/b/doc", "top");
    }

    [Fact]
    public void Render_ShadowsWorkflowVariableNamedPage_AndLeavesModelUntouched()
    {
        var renderer = Renderer(("t.sbn", "+++\npage.x = 1\n+++\n{{ page.x }}{{ page.secret }}"));
        var model = new JsonObject { ["page"] = new JsonObject { ["secret"] = "S" } };

        renderer.Render("t", model).Should().Be("1");
        model.ToJsonString().Should().Be("{\"page\":{\"secret\":\"S\"}}");
    }

    [Theory]
    [InlineData("2026-03-01T20:30:00Z", "2026年3月2日", "2026年3月2日 04:30")]
    [InlineData("2026-03-02T09:05:00+08:00", "2026年3月2日", "2026年3月2日 09:05")]
    [InlineData("2026-03-02", "2026年3月2日", "2026年3月2日")]
    [InlineData("2026年3月9日", "2026年3月9日", "2026年3月9日")]
    public void ZhDate_ShowsRegionalDate_WhenGivenTimestampOrDate(string value, string date, string dateTime)
    {
        var renderer = Renderer(("t.sbn", "{{ zh.date(v) }}|{{ zh.datetime(v) }}|{{ zh.date(null) ?? '-' }}"));

        renderer.Render("t", new JsonObject { ["v"] = value }).Should().Be($"{date}|{dateTime}|-");
    }

    [Fact]
    public void Render_GivesEachCallerItsOwnResult_WhenCalledConcurrently()
    {
        var results = new string[200];

        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var model = SampleModel("notices/complaint-rejected");
            model["complaint"]!["complainantName"] = $"申请人{i:D3}";
            results[i] = Shipped.Render("notices/complaint-rejected", model);
        });

        for (var i = 0; i < results.Length; i++)
        {
            results[i].Should().Contain($"申请人{i:D3}：");
        }
    }

    [Fact]
    public void Constructor_Throws_WhenFolderMissing()
    {
        var act = () => new ScribanNoticeRenderer(Path.Combine(Path.GetTempPath(), $"no-templates-{Guid.NewGuid():N}"));

        act.Should().Throw<DirectoryNotFoundException>();
    }

    private ScribanNoticeRenderer Renderer(params (string Path, string Content)[] files)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"zzf-templates-{Guid.NewGuid():N}");
        _tempFolders.Add(folder);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        return new ScribanNoticeRenderer(folder);
    }

    /// <summary>The repository's <c>templates/</c>: up from the test binaries to the folder holding the solution.</summary>
    private static string FindTemplatesFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ZangZhiFa.Workflow.sln")))
            {
                return Path.Combine(dir.FullName, "templates");
            }
        }

        throw new DirectoryNotFoundException($"ZangZhiFa.Workflow.sln not found above {AppContext.BaseDirectory}");
    }

    /// <summary>What IssueNoticeAsync hands a template: variables, instance, now, notice, plus the extra keys.</summary>
    private static JsonObject SampleModel(string templateId)
    {
        var model = new JsonObject
        {
            ["supervisingUnitName"] = "拉萨市司法局",
            ["complaint"] = new JsonObject
            {
                ["trackingNumber"] = "TS-2026-000123",
                ["submittedAt"] = "2026-03-01T10:30:00+08:00",
                ["category"] = "执法态度",
                ["description"] = "2026年2月27日，执法人员在检查我店时态度粗暴。\n请求对执法人员的粗暴行为进行调查处理。",
                ["respondentUnitName"] = "拉萨市城关区市场监督管理局",
                ["complainantName"] = "次仁卓玛",
                ["anonymous"] = false,
            },
            ["instance"] = new JsonObject
            {
                ["id"] = "0195a0c4-7d2e-7c3a-9f00-123456789abc",
                ["correlationId"] = "TS-2026-000123",
                ["definitionId"] = "complaint",
                ["definitionVersion"] = 3,
            },
            ["now"] = "2026-03-02T09:00:00.0000000+08:00",
            ["notice"] = new JsonObject
            {
                ["title"] = "投诉举报告知书",
                ["documentNumber"] = "拉司投〔2026〕12号",
                ["issuedAt"] = "2026-03-02T09:00:00.0000000+08:00",
                ["issuedDate"] = "2026年3月2日",
            },
        };

        switch (templateId)
        {
            case "notices/demo-result":
                model["supervisingUnitName"] = "西藏自治区司法厅";
                model["notice"]!["title"] = "处理结果告知书";
                model["notice"]!["documentNumber"] = "藏司告〔2026〕1号";
                model["caseTitle"] = "反映城管执法人员野蛮执法";
                model["applicantName"] = "卓玛";
                model["conclusion"] = "部分属实";
                break;
            case "notices/supervision-notice":
                model["notice"]!["title"] = "督办通知书";
                model["notice"]!["documentNumber"] = "拉司督〔2026〕3号";
                model["escalation"] = new JsonObject
                {
                    ["taskTitle"] = "投诉举报受理审查（TS-2026-000123）",
                    ["level"] = 2,
                    ["fromUnit"] = "拉萨市城关区司法局",
                    ["toUnit"] = "拉萨市司法局",
                    ["toUnitCode"] = "540100",
                    ["mode"] = "notify",
                    ["newDueAt"] = "2026年3月9日",
                };
                break;
            case "notices/complaint-accepted":
                model["decision"] = Decision("accepted", new JsonObject
                {
                    ["dueDate"] = "2026-03-31",
                    ["handlingUnit"] = "拉萨市城关区司法局",
                });
                break;
            case "notices/complaint-rejected":
                model["decision"] = Decision("rejected", new JsonObject
                {
                    ["reason"] = "你反映的事项已由拉萨市城关区人民法院立案受理。",
                    ["basis"] = "《信访工作条例》",
                    ["suggestion"] = "依法通过诉讼程序主张权利",
                });
                break;
            case "notices/complaint-transferred":
                model["decision"] = Decision("transferred", new JsonObject
                {
                    ["transferTo"] = "拉萨市城关区农业农村局",
                    ["reason"] = "你反映的事项属于农业行政执法",
                    ["transferToContact"] = "0891-6320000",
                });
                break;
            case "notices/complaint-extension":
                model["decision"] = Decision("approved", new JsonObject
                {
                    ["reason"] = "需要对涉案商品进行检验检测",
                    ["newDeadline"] = "2026-04-30",
                    ["originalDeadline"] = "2026-03-31",
                });
                break;
            case "notices/complaint-supplement":
                model["decision"] = Decision("supplement", new JsonObject
                {
                    ["missing"] = new JsonArray("执法现场的照片或者视频", "行政处罚决定书复印件"),
                    ["deadline"] = "2026-03-16",
                });
                break;
            case "notices/complaint-reply":
                model["decision"] = Decision("concluded", new JsonObject
                {
                    ["finding"] = "partially_substantiated",
                    ["acceptedAt"] = "2026-03-04T11:00:00Z",
                    ["facts"] = "执法人员在检查中使用不文明用语，但检查程序符合规定。",
                    ["reasons"] = "执法人员未做到文明执法，已责令其作出书面检讨。",
                    ["basis"] = "《中华人民共和国行政处罚法》第五条",
                    ["reviewBody"] = "拉萨市人民政府",
                });
                break;
            case "notices/complaint-review-decision":
                model["decision"] = Decision("uphold", new JsonObject
                {
                    ["result"] = "uphold",
                    ["reviewingUnitName"] = "拉萨市人民政府",
                    ["requestedAt"] = "2026-04-10",
                    ["originalDocumentNumber"] = "拉司投〔2026〕8号",
                    ["facts"] = "原答复认定的事实清楚。",
                    ["reasons"] = "原答复意见认定事实清楚、适用依据正确",
                    ["basis"] = "《信访工作条例》第三十五条",
                });
                break;
            case "notices/accountability-statement":
            case "notices/accountability-exemption":
            case "notices/accountability-decision":
            case "notices/accountability-rectification":
            case "notices/accountability-reconsideration":
                AccountabilityModel(model, templateId);
                break;
            case "notices/legal-review-opinion":
                model["instance"]!["correlationId"] = "FS-2026-000001";
                model["submittingUnitName"] = "城关区城市管理综合行政执法局";
                model["catalogue"] = new JsonObject { ["labels"] = "对单位处以10万元以上罚款" };
                model["attachments"] = new JsonArray("听证笔录.pdf", "现场照片.jpg");
                model["proposal"] = new JsonObject
                {
                    ["caseName"] = "某建材公司占道堆放案",
                    ["caseNumber"] = "城管罚〔2026〕15号",
                    ["partyName"] = "拉萨某建材有限公司",
                    ["proposedDecision"] = "罚款20万元",
                    ["basis"] = "《城市市容和环境卫生管理条例》第三十六条",
                    ["facts"] = "长期占道堆放建材",
                };
                var review = Decision("建议修改后提交", new JsonObject
                {
                    ["subject"] = "符合", ["authority"] = "符合", ["procedure"] = "不符合", ["facts"] = "符合", ["evidence"] = "符合",
                    ["lawApplied"] = "符合", ["discretion"] = "符合", ["documents"] = "符合", ["transfer"] = "否",
                    ["opinion"] = "未告知当事人听证权利。",
                });
                review["by"] = "fzsh.chengguan";
                review["unit"] = new JsonObject { ["code"] = "540102", ["name"] = "城关区司法局" };
                model["decision"] = review;
                break;
            case "notices/supervision-document":
            case "notices/supervision-objection-reply":
                model["instance"]!["correlationId"] = "JD-2026-000001";
                model["unitName"] = "城关区城市管理综合行政执法局";
                model["supervisingUnitName"] = "城关区司法局";
                model["correctDays"] = "10";
                model["objectionDays"] = "5";
                model["document"] = new JsonObject
                {
                    ["type"] = "决定书",
                    ["subject"] = "八廓街占道经营整治",
                    ["findings"] = "执法人员对摊主一律没收物品",
                    ["requirement"] = "退还违法扣押的物品",
                    ["basis"] = "《行政执法监督条例》第二十四条",
                };
                model["issue_decision"] = new JsonObject { ["documentNumber"] = "藏司监〔2026〕1号" };
                model["await_objection"] = new JsonObject { ["reason"] = "扣押物品系依法实施" };
                model["decision"] = Decision("变更", new JsonObject { ["reasons"] = "部分物品属鲜活商品", ["changedTo"] = "仅退还鲜活商品" });
                break;
            case "notices/supervisor-appointment":
                model["instance"]!["correlationId"] = "PY-2026-000001";
                model["appointingUnitName"] = "拉萨市司法局";
                model["candidate"] = new JsonObject { ["name"] = "边巴", ["category"] = "律师" };
                model["appoint"] = new JsonObject { ["termStart"] = "2026-03-02", ["termEnd"] = "2031-03-01" };
                break;
            case "email/task-reminder":
                model["task"] = new JsonObject
                {
                    ["title"] = "投诉举报受理审查（TS-2026-000123）",
                    ["dueAt"] = "2026-03-05T10:00:00Z",
                    ["unitName"] = "拉萨市城关区司法局",
                    ["assigneeName"] = "德吉",
                    ["url"] = "https://zfjd.xizang.example/tasks/42",
                };
                break;
        }

        return model;
    }

    private static void AccountabilityModel(JsonObject model, string templateId)
    {
        model["notice"]!["documentNumber"] = "拉司问〔2026〕12号";
        model["caseFile"] = new JsonObject
        {
            ["caseNumber"] = "WZ-2026-000007",
            ["origin"] = "complaint",
            ["sourceCaseNumber"] = "TS-2026-000123",
            ["summary"] = "执法人员未按规定出示执法证件",
            ["facts"] = "执法记录仪显示未出示证件",
        };
        model["officer"] = new JsonObject { ["name"] = "巴桑", ["unitName"] = "城关区城市管理综合行政执法局", ["unitCode"] = "540102-cgzf" };
        model["statement"] = new JsonObject { ["text"] = "当时情况紧急" };
        model["statementDays"] = "5";
        model["reconsiderDays"] = "30";
        model["rectifyDays"] = "10";
        model["investigate"] = Decision("调查完毕", new JsonObject { ["facts"] = "执法时未出示证件，亦未告知当事人权利。" });
        model["determine"] = Decision("建议免责", new JsonObject { ["lawUnclear"] = true, ["diligentProcedure"] = true, ["newEvidence"] = false });
        model["notify_decision"] = new JsonObject { ["documentNumber"] = "拉司问〔2026〕9号" };
        model["originalDocumentNumber"] = "拉司问〔2026〕9号";
        model["await_reconsideration"] = new JsonObject { ["reason"] = "处理过重" };
        model["decision"] = templateId switch
        {
            "notices/accountability-exemption" => Decision("免责", new JsonObject { ["reasons"] = "经认定，其行为符合免责情形" }),
            "notices/accountability-reconsideration" => new JsonObject
            {
                ["outcome"] = "变更",
                ["unit"] = new JsonObject { ["name"] = "西藏自治区司法厅" },
                ["fields"] = new JsonObject { ["reasons"] = "原决定处理偏重", ["changedTo"] = "批评教育" },
            },
            _ => Decision("从轻减轻", new JsonObject
            {
                ["form"] = "诫勉谈话",
                ["reasons"] = "执法人员未按规定亮证执法",
                ["rectification"] = "规范亮证执法",
            }),
        };
    }

    private static JsonObject Decision(string outcome, JsonObject fields) => new()
    {
        ["outcome"] = outcome,
        ["comment"] = null,
        ["by"] = "lasa.sfj.zhaxi",
        ["at"] = "2026-03-02T19:00:00.0000000+00:00",
        ["fields"] = fields,
    };
}
