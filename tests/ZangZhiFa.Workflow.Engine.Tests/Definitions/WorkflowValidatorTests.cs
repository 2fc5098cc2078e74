using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Activities;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Expressions;
using ZangZhiFa.Workflow.Engine.Tests.Support;

namespace ZangZhiFa.Workflow.Engine.Tests.Definitions;

public sealed class WorkflowValidatorTests
{
    private readonly WorkflowValidator _validator = new(ActivityRegistry.CreateDefault(), new ScriptEngine(), SharedServices.Notices);

    private const string Valid = """
    {
      "id": "sample", "name": "样例", "version": 1,
      "variables": [ { "name": "unit", "type": "string" } ],
      "activities": [
        { "id": "start", "type": "Start", "properties": {} },
        { "id": "review", "type": "HumanTask", "properties": { "title": "审查", "assignee": { "role": "受理员", "orgUnit": "unit" }, "outcomes": ["受理", "不予受理"] } },
        { "id": "inform", "type": "SendNotice", "properties": { "template": "notices/supervision-notice", "title": "通知" } },
        { "id": "end", "type": "End", "properties": {} }
      ],
      "connections": [
        { "from": "start", "outcome": "done", "to": "review" },
        { "from": "review", "outcome": "受理", "to": "inform" },
        { "from": "review", "outcome": "不予受理", "to": "end" },
        { "from": "inform", "outcome": "done", "to": "end" }
      ]
    }
    """;

    private IReadOnlyList<ValidationError> Validate(Action<JsonObject> mutate)
    {
        var json = JsonNode.Parse(Valid)!.AsObject();
        mutate(json);
        return _validator.Validate(WorkflowDefinitionSerializer.Deserialize(json.ToJsonString(), "sample.json"), "sample.json");
    }

    private static JsonObject Activity(JsonObject flow, string id) =>
        flow["activities"]!.AsArray().Single(a => (string)a!["id"]! == id)!.AsObject();

    [Fact]
    public void Validate_ReturnsNoErrors_WhenDefinitionIsSound() =>
        Validate(_ => { }).Should().BeEmpty();

    [Fact]
    public void Validate_NamesTheType_WhenActivityTypeIsUnknown() =>
        Validate(f => Activity(f, "inform")["type"] = "SendFax").Should().ContainSingle()
            .Which.ToString().Should().Be("sample.json: activity 'inform' property 'type': 未知节点类型 (unknown type) “SendFax”; known: " +
                string.Join(", ", ActivityRegistry.CreateDefault().All.Select(a => a.Type)));

    [Fact]
    public void Validate_NamesTheDescription_WhenItsTemplateIsBroken() =>
        Validate(f => Activity(f, "review")["properties"]!["description"] = "{{ if unit }}没有结束").Select(e => e.Property).Should().Contain("description");

    [Fact]
    public void Validate_RefusesCaseAccess_WhenTheVariableCannotHoldAUnitCode()
    {
        var errors = Validate(f => f["variables"] = JsonNode.Parse("""[ { "name": "unit", "type": "string", "caseAccess": true }, { "name": "units", "type": "array", "caseAccess": true } ]"""));

        errors.Select(e => e.ToString()).Should().Equal(
            "sample.json: property 'variables.units.caseAccess': caseAccess 只能用于存放单位代码的 string 变量 (caseAccess needs a string variable holding a unit code)");
    }

    [Fact]
    public void Validate_NamesTheConnection_WhenItPointsNowhere()
    {
        var errors = Validate(f => f["connections"]!.AsArray()[3]!["to"] = "archive");

        errors.Select(e => e.ToString()).Should().Contain("sample.json: connection inform --done--> archive: 终点 “archive” 不存在 (dangling connection: no such activity)");
    }

    [Fact]
    public void Validate_ReportsUnreachableActivity_WhenNothingLeadsToIt()
    {
        var errors = Validate(f => f["activities"]!.AsArray().Add(JsonNode.Parse("""{ "id": "orphan", "type": "End", "properties": {} }""")));

        errors.Should().ContainSingle().Which.Should().Be(new ValidationError("sample.json", "orphan", null, null, "从开始节点无法到达 (unreachable activity)"));
    }

    [Fact]
    public void Validate_ReportsOutcomeWithoutConnection_WhenATaskOutcomeLeadsNowhere()
    {
        var errors = Validate(f => f["connections"]!.AsArray().RemoveAt(2));

        errors.Should().ContainSingle().Which.ToString().Should().Be("sample.json: activity 'review': 结果 “不予受理” 没有连线 (outcome without a connection)");
    }

    [Fact]
    public void Validate_ReportsExpressionAndPosition_WhenExpressionDoesNotParse()
    {
        var errors = Validate(f => Activity(f, "review")["properties"]!["assignee"]!["orgUnit"] = "unit ==");

        var error = errors.Should().ContainSingle().Subject;
        error.ActivityId.Should().Be("review");
        error.Property.Should().Be("assignee.orgUnit");
        error.Message.Should().StartWith("表达式错误 (bad expression) “unit ==”").And.MatchRegex(@"\(1:\d+\)$");
    }

    [Fact]
    public void Validate_ReportsUnknownTemplate_WhenNoticeTemplateIsMissing() =>
        Validate(f => Activity(f, "inform")["properties"]!["template"] = "notices/no-such").Should().ContainSingle()
            .Which.Should().Be(new ValidationError("sample.json", "inform", null, "template", "未知文书模板 (unknown template) “notices/no-such”"));

    [Fact]
    public void Validate_ReportsDuplicateId_WhenTwoActivitiesShareIt()
    {
        var errors = Validate(f => Activity(f, "inform")["id"] = "review");

        errors.Should().Contain(e => e.ActivityId == "review" && e.Message == "节点 id 重复 (duplicate activity id)");
    }

    [Fact]
    public void Validate_ReportsCycleWithoutWait_WhenStepsLoopWithoutATaskOrTimer()
    {
        var errors = Validate(f =>
        {
            f["activities"]!.AsArray().Add(JsonNode.Parse("""{ "id": "again", "type": "SetVariables", "properties": { "assign": { "unit": "unit" } } }"""));
            var connections = f["connections"]!.AsArray();
            connections[3]!["to"] = "again";
            connections.Add(JsonNode.Parse("""{ "from": "again", "outcome": "done", "to": "inform" }"""));
        });

        errors.Should().ContainSingle().Which.Message.Should().Contain("没有等待节点").And.Contain("cycle without a wait").And.Contain("inform").And.Contain("again");
    }

    [Fact]
    public void Validate_AcceptsCycle_WhenTheLoopContainsAHumanTask()
    {
        var errors = Validate(f => f["connections"]!.AsArray()[3]!["to"] = "review");

        errors.Should().BeEmpty("the loop review → inform → review waits at the task each time round");
    }

    [Fact]
    public void Validate_ReportsUnknownProperty_WhenTheDesignerWroteSomethingTheActivityDoesNotKnow() =>
        Validate(f => Activity(f, "review")["properties"]!["asignee"] = "typo").Should().ContainSingle()
            .Which.Should().Match<ValidationError>(e => e.ActivityId == "review" && e.Property == "asignee" && e.Message.Contains("unknown property"));

    [Fact]
    public void Validate_ReportsBadDeadline_WhenTwoKindsOfLimitAreGiven() =>
        Validate(f => Activity(f, "review")["properties"]!["deadline"] = new JsonObject { ["workingDays"] = 5, ["days"] = 30 }).Should()
            .Contain(new ValidationError("sample.json", "review", null, "deadline", "须且只能设置 workingDays、days、duration 之一 (exactly one of workingDays, days, duration)"));

    [Fact]
    public void Validate_ReportsEachClockProblem_WhenTheVariableIsUndeclaredTheDeadlineMissingAndAStopOutcomeUnknown()
    {
        var errors = Validate(f => Activity(f, "review")["properties"]!["clock"] = new JsonObject { ["variable"] = "timeLimit", ["stopOn"] = new JsonArray("退回") });

        errors.Select(e => e.ToString()).Should().BeEquivalentTo(
            "sample.json: activity 'review' property 'clock.variable': “timeLimit” 不是本流程声明的变量 (not a declared variable; add it to variables)",
            "sample.json: activity 'review' property 'clock': 任务时钟须同时设置期限 deadline：时钟第一次启动时按它计算 (clock needs a deadline, used when the clock starts)",
            "sample.json: activity 'review' property 'clock.stopOn': “退回” 不是本任务的办理结果 (not an outcome of this task)");
    }

    [Fact]
    public void Validate_ReportsOfferWhenProblems_WhenTheOutcomeIsUnknownOrNoOutcomeIsUnconditional()
    {
        Validate(f => Activity(f, "review")["properties"]!["offerWhen"] = new JsonObject { ["退回"] = "true" }).Select(e => e.ToString()).Should().Equal(
            "sample.json: activity 'review' property 'offerWhen.退回': “退回” 不是本任务的办理结果 (not an outcome of this task)");
        Validate(f => Activity(f, "review")["properties"]!["offerWhen"] = new JsonObject { ["受理"] = "unit != ''", ["不予受理"] = "unit ==" }).Select(e => e.ToString()).Should().BeEquivalentTo(
            "sample.json: activity 'review' property 'offerWhen': 至少一个办理结果须无条件提供 (at least one outcome must be offered unconditionally, or the task could open with none)",
            "sample.json: activity 'review' property 'offerWhen.不予受理': 表达式错误 (bad expression) “unit ==”: " + new ScriptEngine().CheckExpression("unit =="));
    }

    [Fact]
    public void Validate_ReportsLevelsUp_WhenItIsNotPositiveOrHasNoUnitToCountFrom()
    {
        var errors = Validate(f => f["activities"]![1]!["properties"]!["assignee"] = new JsonObject { ["role"] = "监督科长", ["levelsUp"] = 0 });

        errors.Select(e => e.ToString()).Should().BeEquivalentTo(
            "sample.json: activity 'review' property 'assignee.levelsUp': 须为正整数 (positive integer: how many levels above orgUnit)",
            "sample.json: activity 'review' property 'assignee.levelsUp': 须同时指定 orgUnit：从哪个单位向上 (levelsUp needs orgUnit to count from)");
    }

    [Fact]
    public void Validate_ReportsExtendDeadlineProblems_WhenNoTaskRunsOnTheClockAndTheLengthIsWrong()
    {
        var errors = Validate(f =>
        {
            Activity(f, "inform")["type"] = "ExtendDeadline";
            Activity(f, "inform")["properties"] = new JsonObject { ["clock"] = "unit", ["by"] = new JsonObject { ["days"] = 0 } };
        });

        errors.Select(e => e.ToString()).Should().BeEquivalentTo(
            "sample.json: activity 'inform' property 'clock': 没有人工任务以 “unit” 为时钟 (no HumanTask of this flow has clock.variable “unit”)",
            "sample.json: activity 'inform' property 'by': 天数必须为正整数 (must be a positive number of days)");
    }

    [Fact]
    public void Validate_ReportsSignalTimeoutProblems_WhenTwoLimitsAreGivenAndTheOutcomeClashes()
    {
        var errors = Validate(f =>
        {
            Activity(f, "inform")["type"] = "Signal";
            Activity(f, "inform")["properties"] = JsonNode.Parse("""{ "signal": "supplement", "timeout": { "days": 15, "at": "unit" }, "timeoutOutcome": "done" }""");
        });

        errors.Select(e => e.ToString()).Should().BeEquivalentTo(
            "sample.json: activity 'inform' property 'timeout.at': at 不能与 workingDays/days/duration 同时使用 (use either at or a duration)",
            "sample.json: activity 'inform' property 'timeoutOutcome': 不能与信号到达的结果 “done” 相同 (must differ from the arrival outcome)");
    }

    [Fact]
    public void LoadFolder_ReportsEveryErrorWithItsFile_WhenOneFileIsBroken()
    {
        var folder = Directory.CreateTempSubdirectory("zzf-validate-").FullName;
        File.WriteAllText(Path.Combine(folder, "good.json"), Valid);
        File.WriteAllText(Path.Combine(folder, "broken.json"), Valid.Replace("\"sample\"", "\"broken\"").Replace("\"to\": \"end\" }\n  ]", "\"to\": \"nowhere\" }\n  ]"));
        File.WriteAllText(Path.Combine(folder, "not-json.json"), "{ \"id\": ");

        var (definitions, errors) = DefinitionCatalog.LoadFolder(folder, _validator);

        definitions.Select(d => d.Id).Should().Equal("sample");
        errors.Should().Contain(e => e.File == "broken.json" && e.Connection == "inform --done--> nowhere");
        errors.Should().Contain(e => e.File == "not-json.json" && e.Message.StartsWith("JSON 格式错误 (invalid JSON) 第 1 行") && !e.Message.Contains("LineNumber"));
    }

    [Fact]
    public void ShippedDefinitions_AreAllValid()
    {
        var (definitions, errors) = DefinitionCatalog.LoadFolder(RepoPaths.Workflows, _validator);

        errors.Select(e => e.ToString()).Should().BeEmpty();
        definitions.Should().NotBeEmpty();
    }

    [Fact]
    public void ShippedDefinitions_SurviveExportImportExport_Unchanged()
    {
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Workflows, "*.json").Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal)))
        {
            var first = WorkflowDefinitionSerializer.Serialize(WorkflowDefinitionSerializer.Deserialize(File.ReadAllText(file), file));
            var second = WorkflowDefinitionSerializer.Serialize(WorkflowDefinitionSerializer.Deserialize(first, file));

            second.Should().Be(first, $"{Path.GetFileName(file)} must round-trip without losing or changing anything");
            JsonNode.DeepEquals(JsonNode.Parse(first), JsonNode.Parse(File.ReadAllText(file))).Should().BeTrue($"{Path.GetFileName(file)}: export keeps every value of the shipped file");
        }
    }

    [Fact]
    public void Validate_RejectsAPoolWithoutARole_AndRecusalWithoutAPool()
    {
        var errors = Validate(f =>
        {
            var assignee = Activity(f, "review")["properties"]!["assignee"]!.AsObject();
            assignee.Remove("role");
            assignee["user"] = "'zhaxi'";
            assignee["pool"] = "unit";
        }).Select(e => e.ToString()).ToList();
        var recusal = Validate(f => Activity(f, "review")["properties"]!["assignee"]!["recuse"] = "unit").Select(e => e.ToString());

        errors.Should().Contain("sample.json: activity 'review' property 'assignee.pool': 协作审核池须配合角色使用，不能同时指定用户或 levelsUp (pool needs a role, and no user or levelsUp)");
        recusal.Should().ContainSingle().Which.Should().Be("sample.json: activity 'review' property 'assignee.recuse': 回避须配合协作审核池 pool 使用 (recuse applies to a pool assignment)");
    }

    [Fact]
    public void Validate_RejectsAQualificationRequirement_WithoutAPool() =>
        Validate(f => Activity(f, "review")["properties"]!["assignee"]!["qualified"] = true).Select(e => e.ToString()).Should().ContainSingle()
            .Which.Should().Be("sample.json: activity 'review' property 'assignee.qualified': 法律职业资格要求须配合协作审核池 pool 使用：候选人名单由它确定 (qualified applies to a pool assignment, which lists the candidates)");

    [Fact]
    public void Validate_RejectsWithdrawalWhenOverdue_WithoutADeadline() =>
        Validate(f => Activity(f, "review")["properties"]!["withdrawWhenOverdue"] = true).Select(e => e.ToString()).Should().ContainSingle()
            .Which.Should().Be("sample.json: activity 'review' property 'withdrawWhenOverdue': 逾期撤回须先设置期限 deadline (withdrawWhenOverdue needs a deadline)");

    [Fact]
    public void Validate_NamesTheRule_WhenARuleCheckHasADuplicateIdOrABadCondition()
    {
        var errors = Validate(f =>
        {
            f["activities"]!.AsArray().Insert(1, JsonNode.Parse("""
                { "id": "catalogue", "type": "RuleCheck", "properties": { "rules": [
                  { "id": "fine", "label": "罚款", "when": "unit == '1'" },
                  { "id": "fine", "label": "吊销", "when": "unit ==" } ] } }
                """));
            var connections = f["connections"]!.AsArray();
            connections[0]!["to"] = "catalogue";
            connections.Add(JsonNode.Parse("""{ "from": "catalogue", "outcome": "matched", "to": "review" }"""));
            connections.Add(JsonNode.Parse("""{ "from": "catalogue", "outcome": "none", "to": "end" }"""));
        }).Select(e => e.ToString()).ToList();

        errors.Should().HaveCount(2);
        errors.Should().Contain("sample.json: activity 'catalogue' property 'rules[1].id': 规则编号 “fine” 重复 (duplicate rule id)");
        errors.Should().Contain(e => e.StartsWith("sample.json: activity 'catalogue' property 'rules[1].when':", StringComparison.Ordinal));
    }
}
