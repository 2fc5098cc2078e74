using System.Text.Json;
using System.Text.Json.Nodes;
using Blazor.Diagrams;
using Blazor.Diagrams.Options;
using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using Blazor.Diagrams.Core.Models.Base;
using Blazor.Diagrams.Core.Anchors;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using ZangZhiFa.Workflow.Engine.Activities;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Web.Features.Admin;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Components.Admin;

/// <summary>
/// The flow designer: the definition as a diagram (activities as nodes, connections as links labelled with their
/// outcome), a palette, a properties panel, and validate / save draft / publish / export through
/// <see cref="WorkflowAdmin"/>, the same service the admin API uses.
/// </summary>
public sealed partial class WorkflowDesigner : IDisposable
{
    private const double LayerWidth = 220;
    private const double RowHeight = 110;

    private BlazorDiagram? _diagram;
    private WorkflowDefinition _base = new();
    private string _name = "";
    private string _source = "";
    private string? _loadError;
    private ActivityNode? _selectedNode;
    private LinkModel? _selectedLink;
    private string _propertiesText = "";
    private string? _propertiesError;
    private IReadOnlyList<DefinitionError> _errors = [];
    private string? _message;
    private string? _export;

    [Parameter]
    public string DefinitionId { get; set; } = "";

    [Inject]
    private WorkflowAdmin Workflows { get; set; } = null!;

    [Inject]
    private DefinitionCatalog Catalog { get; set; } = null!;

    [Inject]
    private ActivityRegistry Registry { get; set; } = null!;

    [Inject]
    private AuthenticationStateProvider Authentication { get; set; } = null!;


    protected override async Task OnInitializedAsync()
    {
        var user = (await Authentication.GetAuthenticationStateAsync()).User;
        if (!user.IsInRole(StaffRoles.Admin))
        {
            // The page is authorized already; the circuit checks again because it outlives the request.
            _loadError = "仅管理员可使用流程设计器。";
            return;
        }

        var draft = await Workflows.DraftAsync(DefinitionId, CancellationToken.None);
        var latest = Catalog.FindLatest(DefinitionId);
        if (draft is null && latest is null)
        {
            _loadError = $"未找到流程 “{DefinitionId}”。";
            return;
        }

        _base = draft is not null ? WorkflowDefinitionSerializer.Deserialize(draft, DefinitionId) : WorkflowDefinitionSerializer.Deserialize(WorkflowDefinitionSerializer.Serialize(latest!), DefinitionId);
        _name = _base.Name;
        _source = draft is not null ? "（草稿）" : $"（v{latest!.Version}）";
        _diagram = CreateDiagram(_base);
    }

    private BlazorDiagram CreateDiagram(WorkflowDefinition definition)
    {
        var options = new BlazorDiagramOptions
        {
            AllowMultiSelection = false,
            Zoom = { Enabled = true },
            Links = { RequireTarget = true },
        };
        var diagram = new BlazorDiagram(options);
        diagram.RegisterComponent<ActivityNode, ActivityNodeWidget>();
        var positions = AutoLayout(definition);
        var nodes = new Dictionary<string, ActivityNode>(StringComparer.Ordinal);
        foreach (var activity in definition.Activities)
        {
            nodes[activity.Id] = diagram.Nodes.Add(new ActivityNode(activity, positions[activity.Id]));
        }

        foreach (var connection in definition.Connections)
        {
            if (nodes.TryGetValue(connection.From, out var from) && nodes.TryGetValue(connection.To, out var to))
            {
                diagram.Links.Add(Link(from.Out, to.In, connection.Outcome));
            }
        }

        // A link the user drags from a port gets an arrow and a placeholder outcome to rename in the panel.
        diagram.Links.Added += link =>
        {
            if (link is LinkModel model && model.Labels.Count == 0)
            {
                model.TargetMarker = LinkMarker.Arrow;
                model.Labels.Add(new LinkLabelModel(model, "done"));
            }
        };
        diagram.SelectionChanged += OnSelectionChanged;
        return diagram;
    }

    private static LinkModel Link(PortModel from, PortModel to, string outcome)
    {
        var link = new LinkModel(from, to) { TargetMarker = LinkMarker.Arrow };
        link.Labels.Add(new LinkLabelModel(link, outcome));
        return link;
    }

    /// <summary>
    /// Positions for activities that have none (files written by hand or imported): layers by distance from the
    /// start, left to right; activities with a position keep it.
    /// </summary>
    private static Dictionary<string, Point> AutoLayout(WorkflowDefinition definition)
    {
        var layer = new Dictionary<string, int>(StringComparer.Ordinal);
        var queue = new Queue<string>(definition.Activities.Where(a => a.Type == "Start").Select(a => a.Id));
        foreach (var id in queue)
        {
            layer[id] = 0;
        }

        while (queue.TryDequeue(out var id))
        {
            foreach (var next in definition.Connections.Where(c => c.From == id).Select(c => c.To))
            {
                if (layer.TryAdd(next, layer[id] + 1))
                {
                    queue.Enqueue(next);
                }
            }
        }

        var rows = new Dictionary<int, int>();
        var positions = new Dictionary<string, Point>(StringComparer.Ordinal);
        foreach (var activity in definition.Activities)
        {
            if (activity.Position is { } p)
            {
                positions[activity.Id] = new Point(p.X, p.Y);
                continue;
            }

            var column = layer.GetValueOrDefault(activity.Id, layer.Count == 0 ? 0 : layer.Values.Max() + 1);
            var row = rows[column] = rows.GetValueOrDefault(column) + 1;
            positions[activity.Id] = new Point(40 + (column * LayerWidth), (row - 1) * RowHeight + 40);
        }

        return positions;
    }

    private void OnSelectionChanged(SelectableModel model)
    {
        var selected = _diagram!.GetSelectedModels().ToList();
        _selectedNode = selected.OfType<ActivityNode>().FirstOrDefault();
        _selectedLink = _selectedNode is null ? selected.OfType<LinkModel>().FirstOrDefault() : null;
        _propertiesText = _selectedNode is null ? "" : _selectedNode.Activity.Properties.ToJsonString(WorkflowDefinitionSerializer.Options);
        _propertiesError = null;
        InvokeAsync(StateHasChanged);
    }

    private void AddActivity(string type)
    {
        var ids = _diagram!.Nodes.OfType<ActivityNode>().Select(n => n.Activity.Id).ToHashSet(StringComparer.Ordinal);
        var prefix = char.ToLowerInvariant(type[0]) + type[1..];
        var n = 1;
        while (ids.Contains($"{prefix}{n}"))
        {
            n++;
        }

        var activity = new ActivityDefinition { Id = $"{prefix}{n}", Type = type, Title = "新节点" };
        var origin = _diagram.GetRelativePoint(80, 80);
        var node = _diagram.Nodes.Add(new ActivityNode(activity, new Point(origin.X + (n * 20), origin.Y + (n * 20))));
        _diagram.UnselectAll();
        _diagram.SelectModel(node, true);
    }

    private void DeleteSelected()
    {
        if (_selectedNode is { } node)
        {
            _diagram!.Nodes.Remove(node);
        }
        else if (_selectedLink is { } link)
        {
            _diagram!.Links.Remove(link);
        }

        _selectedNode = null;
        _selectedLink = null;
    }

    private static void SetTitle(ActivityNode node, string? title)
    {
        node.Activity.Title = string.IsNullOrWhiteSpace(title) ? null : title;
        node.Title = title ?? node.Activity.Id;
        node.Refresh();
    }

    /// <summary>As the admin types: a JSON error at once; when it parses, the properties apply and the whole flow is checked again.</summary>
    private void SetProperties(ActivityNode node, string? text)
    {
        _propertiesText = text ?? "";
        try
        {
            if (JsonNode.Parse(_propertiesText) is not JsonObject properties)
            {
                _propertiesError = "属性须为 JSON 对象 { … }";
                return;
            }

            node.Activity.Properties = properties;
            _propertiesError = null;
            ShowErrors(Workflows.Check(DefinitionId, CurrentJson()).Errors, message: null);
        }
        catch (JsonException ex)
        {
            _propertiesError = $"JSON 格式错误（第 {ex.LineNumber + 1} 行，第 {ex.BytePositionInLine + 1} 个字节）：{ex.Message}";
        }
    }

    private static string OutcomeOf(LinkModel link) => link.Labels.FirstOrDefault()?.Content ?? "";

    private static void SetOutcome(LinkModel link, string? outcome)
    {
        if (link.Labels.FirstOrDefault() is { } label)
        {
            label.Content = outcome ?? "";
        }
        else
        {
            link.Labels.Add(new LinkLabelModel(link, outcome ?? ""));
        }

        link.Refresh();
    }

    /// <summary>The canvas as a definition in the export format: header and variables as loaded, nodes and links as drawn.</summary>
    private string CurrentJson()
    {
        var definition = WorkflowDefinitionSerializer.Deserialize(WorkflowDefinitionSerializer.Serialize(_base), DefinitionId);
        definition.Activities = [.. _diagram!.Nodes.OfType<ActivityNode>().Select(node =>
        {
            node.Activity.Position = new DesignerPosition { X = Math.Round(node.Position.X), Y = Math.Round(node.Position.Y) };
            return node.Activity;
        })];
        definition.Connections = [.. _diagram.Links.OfType<LinkModel>()
            .Where(l => l.Source is SinglePortAnchor && l.Target is SinglePortAnchor)
            .Select(l => new ConnectionDefinition
            {
                From = ((ActivityNode)((SinglePortAnchor)l.Source).Port.Parent).Activity.Id,
                Outcome = OutcomeOf(l),
                To = ((ActivityNode)((SinglePortAnchor)l.Target).Port.Parent).Activity.Id,
            })];
        return WorkflowDefinitionSerializer.Serialize(definition);
    }

    private void Export() => _export = CurrentJson();

    private void ValidateAsync()
    {
        var errors = Workflows.Check(DefinitionId, CurrentJson()).Errors;
        ShowErrors(errors, errors.Count == 0 ? "校验通过，没有发现问题。" : $"发现 {errors.Count} 个问题，已标在相关节点上。");
    }

    private async Task SaveDraftAsync()
    {
        var result = await Workflows.SaveDraftAsync(DefinitionId, CurrentJson(), await UserNameAsync(), CancellationToken.None);
        ShowErrors(result.Errors, result.Succeeded ? "草稿已保存。" : "草稿未保存。");
        _source = result.Succeeded ? "（草稿）" : _source;
    }

    private async Task PublishAsync()
    {
        var result = await Workflows.PublishAsync(DefinitionId, CurrentJson(), await UserNameAsync(), CancellationToken.None);
        ShowErrors(result.Errors, result.Version is { } v ? $"已发布为 v{v}：新立案件将使用此版本，办理中的案件不受影响。" : $"未发布：发现 {result.Errors.Count} 个问题。");
        if (result.Version is { } version)
        {
            _base.Version = version;
            _source = $"（v{version}）";
        }
    }

    private void ShowErrors(IReadOnlyList<DefinitionError> errors, string? message)
    {
        _errors = errors;
        _message = message ?? (errors.Count == 0 ? "校验通过，没有发现问题。" : $"发现 {errors.Count} 个问题。");
        foreach (var node in _diagram!.Nodes.OfType<ActivityNode>())
        {
            node.Errors = [.. errors.Where(e => e.ActivityId == node.Activity.Id)];
            node.Refresh();
        }
    }

    private async Task<string> UserNameAsync() =>
        (await Authentication.GetAuthenticationStateAsync()).User.Identity?.Name ?? throw new InvalidOperationException("not signed in");

    public void Dispose()
    {
        if (_diagram is not null)
        {
            _diagram.SelectionChanged -= OnSelectionChanged;
        }
    }
}
