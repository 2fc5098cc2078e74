using System.Text.Json;
using System.Text.Json.Nodes;
using Blazor.Diagrams;
using Blazor.Diagrams.Core.Anchors;
using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using Blazor.Diagrams.Core.Models.Base;
using Blazor.Diagrams.Options;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Web;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Activities;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Infrastructure.Notices;
using ZangZhiFa.Workflow.Web.Components.Admin.Editors;
using ZangZhiFa.Workflow.Web.Features.Admin;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Components.Admin;

/// <summary>
/// The flow designer: the definition as a diagram (activities as nodes with one port per outcome, connections as
/// links labelled with their outcome), a palette to drag activities from, typed property editors, and validate /
/// save draft / publish / export / import through <see cref="WorkflowAdmin"/>, the same service the admin API uses.
/// </summary>
public sealed partial class WorkflowDesigner : IDisposable
{
    private const double LayerWidth = 240;
    private const double RowHeight = 130;
    private const long MaxImportBytes = 1024 * 1024;

    /// <summary>Activities whose result is stored in a variable named after the activity, usable in later expressions.</summary>
    private static readonly HashSet<string> ResultTypes = new(StringComparer.Ordinal) { "HumanTask", "Signal", "RuleCheck", "SendNotice", "StartSubflow", "Invoke" };

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
    private string? _draggedType;
    private DesignerScope _scope = new([], [], [], [], [], []);

    [Parameter]
    public string DefinitionId { get; set; } = "";

    [Inject]
    private WorkflowAdmin Workflows { get; set; } = null!;

    [Inject]
    private DefinitionCatalog Catalog { get; set; } = null!;

    [Inject]
    private ActivityRegistry Registry { get; set; } = null!;

    [Inject]
    private INoticeRenderer Notices { get; set; } = null!;

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

        Load(WorkflowDefinitionSerializer.Deserialize(draft ?? WorkflowDefinitionSerializer.Serialize(latest!), DefinitionId));
        _source = draft is not null ? "（草稿）" : $"（v{latest!.Version}）";
    }

    private void Load(WorkflowDefinition definition)
    {
        if (_diagram is not null)
        {
            _diagram.SelectionChanged -= OnSelectionChanged;
        }

        _base = definition;
        _name = definition.Name;
        _selectedNode = null;
        _selectedLink = null;
        _diagram = CreateDiagram(definition);
        RefreshScope();
    }

    private BlazorDiagram CreateDiagram(WorkflowDefinition definition)
    {
        var options = new BlazorDiagramOptions
        {
            AllowMultiSelection = false,
            Zoom = { Enabled = true },
            Links =
            {
                RequireTarget = true,
                // A link always leaves an outcome port and always arrives at a node's in-port, wherever on the node it is dropped.
                Factory = (_, source, target) => source is OutcomePort port ? DesignerDiagram.NewLink(new SinglePortAnchor(port), target, port.Outcome) : null!,
                TargetAnchorFactory = (_, _, target) => target switch
                {
                    ActivityNode node => new SinglePortAnchor(node.In),
                    PortModel { Parent: ActivityNode node } => new SinglePortAnchor(node.In),
                    _ => throw new InvalidOperationException("links end on activities"),
                },
            },
        };
        var diagram = new BlazorDiagram(options);
        diagram.RegisterComponent<ActivityNode, ActivityNodeWidget>();
        DesignerDiagram.Add(diagram, definition, Layout(definition, keepPositions: true), Registry);
        diagram.Links.Added += OnLinkAdded;
        diagram.Links.Removed += _ => OnFlowChanged();
        diagram.Nodes.Removed += _ => OnFlowChanged();
        diagram.SelectionChanged += OnSelectionChanged;
        return diagram;
    }

    /// <summary>
    /// A link dragged from an outcome port replaces the one that left it before: each outcome has exactly one
    /// connection, so re-pointing is dragging again rather than delete-then-draw.
    /// </summary>
    private void OnLinkAdded(BaseLinkModel link) =>
        link.TargetAttached += attached =>
        {
            if (attached.Source is SinglePortAnchor { Port: OutcomePort port })
            {
                foreach (var old in port.Links.Where(l => l != attached).ToList())
                {
                    _diagram!.Links.Remove(old);
                }

                port.Parent.Refresh();
            }

            OnFlowChanged();
        };

    /// <summary>After a structural change: check the flow again, so the nodes show what is still missing.</summary>
    private void OnFlowChanged()
    {
        if (_diagram is null)
        {
            return;
        }

        RefreshScope();
        if (_message is not null || _errors.Count > 0)
        {
            ShowErrors(Workflows.Check(DefinitionId, CurrentJson()).Errors, message: null);
        }

        foreach (var node in _diagram.Nodes.OfType<ActivityNode>())
        {
            node.Refresh();
        }

        InvokeAsync(StateHasChanged);
    }

    /// <summary>
    /// Positions by layers of distance from the start, left to right. With <paramref name="keepPositions"/>, only
    /// activities without a position (hand-written or imported files) are placed.
    /// </summary>
    private static Dictionary<string, Point> Layout(WorkflowDefinition definition, bool keepPositions)
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
            if (keepPositions && activity.Position is { } p)
            {
                positions[activity.Id] = new Point(p.X, p.Y);
                continue;
            }

            var column = layer.GetValueOrDefault(activity.Id, layer.Count == 0 ? 0 : layer.Values.Max() + 1);
            var row = rows[column] = rows.GetValueOrDefault(column) + 1;
            positions[activity.Id] = new Point(40 + (column * LayerWidth), ((row - 1) * RowHeight) + 40);
        }

        return positions;
    }

    private void AutoLayoutAll()
    {
        var positions = Layout(WorkflowDefinitionSerializer.Deserialize(CurrentJson(), DefinitionId), keepPositions: false);
        foreach (var node in _diagram!.Nodes.OfType<ActivityNode>())
        {
            var p = positions[node.Activity.Id];
            node.SetPosition(p.X, p.Y);
        }

        FitAll();
    }

    /// <summary>Zooms about the middle of the canvas, so what the admin looks at stays in view.</summary>
    private void ZoomBy(double factor)
    {
        var diagram = _diagram!;
        var zoom = Math.Clamp(diagram.Zoom * factor, 0.1, 3);
        if (diagram.Container is not { } container)
        {
            diagram.SetZoom(zoom);
            return;
        }

        var (cx, cy) = (container.Width / 2, container.Height / 2);
        var (x, y) = ((cx - diagram.Pan.X) / diagram.Zoom, (cy - diagram.Pan.Y) / diagram.Zoom);
        diagram.SetZoom(zoom);
        diagram.UpdatePan(cx - (x * zoom) - diagram.Pan.X, cy - (y * zoom) - diagram.Pan.Y);
    }

    /// <summary>The whole flow in view (the library fits the selection when there is one, which is not what 适应窗口 means).</summary>
    private void FitAll()
    {
        var diagram = _diagram!;
        diagram.UnselectAll();
        diagram.ZoomToFit(40);
        // The library puts the flow at the top left; centring it keeps it in view when zooming about the middle.
        var nodes = diagram.Nodes.Where(n => n.Size is not null).ToList();
        if (diagram.Container is { } container && nodes.Count > 0)
        {
            var width = (nodes.Max(n => n.Position.X + n.Size!.Width) - nodes.Min(n => n.Position.X) + 80) * diagram.Zoom;
            var height = (nodes.Max(n => n.Position.Y + n.Size!.Height) - nodes.Min(n => n.Position.Y) + 80) * diagram.Zoom;
            diagram.UpdatePan(Math.Max(0, (container.Width - width) / 2), Math.Max(0, (container.Height - height) / 2));
        }
    }

    private void RefreshScope()
    {
        var nodes = _diagram!.Nodes.OfType<ActivityNode>().Select(n => n.Activity).ToList();
        var declared = _base.Variables.Select(v => v.Name).ToList();
        _scope = new DesignerScope(
            [.. declared, .. nodes.Where(a => ResultTypes.Contains(a.Type)).Select(a => a.Id).Order(StringComparer.Ordinal), "now", "instance"],
            declared,
            [.. nodes.Where(a => a.Type == "HumanTask").Select(a => a.Id)],
            Notices is ScribanNoticeRenderer renderer ? renderer.TemplateIds : [],
            [.. Catalog.Ids.Order(StringComparer.Ordinal)],
            StaffRoles.All);
    }

    private void OnSelectionChanged(SelectableModel model)
    {
        var selected = _diagram!.GetSelectedModels().ToList();
        _selectedNode = selected.OfType<ActivityNode>().FirstOrDefault();
        _selectedLink = _selectedNode is null ? selected.OfType<LinkModel>().FirstOrDefault() : null;
        _propertiesText = _selectedNode is null ? "" : PropertiesJson(_selectedNode);
        _propertiesError = null;
        InvokeAsync(StateHasChanged);
    }

    private static string PropertiesJson(ActivityNode node) => node.Activity.Properties.ToJsonString(WorkflowDefinitionSerializer.Options);

    private void OnDrop(DragEventArgs e)
    {
        if (_draggedType is { } type)
        {
            _draggedType = null;
            AddActivity(type, _diagram!.GetRelativeMousePoint(e.ClientX, e.ClientY));
        }
    }

    /// <summary>Adds an activity of <paramref name="type"/> where it was dropped (or near the top left of the view when clicked) and selects it.</summary>
    private void AddActivity(string type, Point? at)
    {
        _draggedType = null;
        var ids = _diagram!.Nodes.OfType<ActivityNode>().Select(n => n.Activity.Id).ToHashSet(StringComparer.Ordinal);
        var prefix = char.ToLowerInvariant(type[0]) + type[1..];
        var n = 1;
        while (ids.Contains($"{prefix}{n}"))
        {
            n++;
        }

        var activity = new ActivityDefinition { Id = $"{prefix}{n}", Type = type, Title = "新节点", Properties = StarterProperties(type) };
        var position = at ?? _diagram.GetRelativePoint(80 + (n * 20), 80 + (n * 20));
        var node = _diagram.Nodes.Add(new ActivityNode(activity, position));
        node.SyncOutcomePorts(_diagram, Registry);
        _diagram.UnselectAll();
        _diagram.SelectModel(node, true);
        OnFlowChanged();
    }

    /// <summary>What a new node starts with, so its ports and editors have something to show.</summary>
    private static JsonObject StarterProperties(string type) => type switch
    {
        "HumanTask" => new JsonObject { ["title"] = "", ["assignee"] = new JsonObject(), ["outcomes"] = new JsonArray() },
        "Decision" => new JsonObject { ["cases"] = new JsonArray(), ["otherwise"] = "否" },
        "SetVariables" => new JsonObject { ["assign"] = new JsonObject() },
        "SendNotice" => new JsonObject { ["template"] = "", ["title"] = "" },
        "Timer" => new JsonObject { ["workingDays"] = 1 },
        _ => [],
    };

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

    /// <summary>A typed editor changed the properties: the JSON view, the ports and the findings follow.</summary>
    private void PropertiesEdited(ActivityNode node)
    {
        _propertiesText = PropertiesJson(node);
        _propertiesError = null;
        Apply(node);
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
            Apply(node);
        }
        catch (JsonException ex)
        {
            _propertiesError = $"JSON 格式错误（第 {ex.LineNumber + 1} 行，第 {ex.BytePositionInLine + 1} 个字节）：{ex.Message}";
        }
    }

    private void Apply(ActivityNode node)
    {
        node.SyncOutcomePorts(_diagram!, Registry);
        node.RefreshAll();
        RefreshScope();
        ShowErrors(Workflows.Check(DefinitionId, CurrentJson()).Errors, message: null);
    }

    private static string LinkText(LinkModel link) =>
        link.Source is SinglePortAnchor { Port: OutcomePort port } && link.Target is SinglePortAnchor { Port.Parent: ActivityNode to }
            ? $"{((ActivityNode)port.Parent).Activity.Id} —{port.Outcome}→ {to.Activity.Id}"
            : "";

    /// <summary>The canvas as a definition in the export format: header and variables as loaded, nodes and links as drawn.</summary>
    private string CurrentJson()
    {
        var definition = WorkflowDefinitionSerializer.Deserialize(WorkflowDefinitionSerializer.Serialize(_base), DefinitionId);
        definition.Activities = [.. _diagram!.Nodes.OfType<ActivityNode>().Select(node =>
        {
            node.Activity.Position = new DesignerPosition { X = Math.Round(node.Position.X), Y = Math.Round(node.Position.Y) };
            return node.Activity;
        })];
        definition.Connections = DesignerDiagram.Connections(_diagram);
        return WorkflowDefinitionSerializer.Serialize(definition);
    }

    private void Export() => _export = CurrentJson();

    private void Validate()
    {
        var errors = Workflows.Check(DefinitionId, CurrentJson()).Errors;
        ShowErrors(errors, errors.Count == 0 ? "校验通过，没有发现问题。" : $"发现 {errors.Count} 个问题，已标在相关节点上。");
    }

    private async Task SaveDraftAsync()
    {
        var result = await Workflows.SaveDraftAsync(DefinitionId, CurrentJson(), await UserNameAsync(), CancellationToken.None);
        var check = Workflows.Check(DefinitionId, CurrentJson()).Errors;
        ShowErrors(result.Succeeded ? check : result.Errors, result.Succeeded ? (check.Count == 0 ? "草稿已保存，校验通过。" : $"草稿已保存；发布前还需解决 {check.Count} 个问题。") : "草稿未保存。");
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

    /// <summary>
    /// An uploaded definition file replaces the canvas and is saved as the draft (a draft may still be invalid); the
    /// validator's findings are shown at once, and publishing stays refused until they are fixed.
    /// </summary>
    private async Task ImportAsync(InputFileChangeEventArgs e)
    {
        string json;
        try
        {
            using var reader = new StreamReader(e.File.OpenReadStream(MaxImportBytes));
            json = await reader.ReadToEndAsync();
        }
        catch (IOException ex)
        {
            ShowErrors([], $"无法读取文件：{ex.Message}");
            return;
        }

        var result = await Workflows.SaveDraftAsync(DefinitionId, json, await UserNameAsync(), CancellationToken.None);
        if (!result.Succeeded)
        {
            ShowErrors(result.Errors, $"未导入 {e.File.Name}：文件无法解析或与本流程不符。");
            return;
        }

        Load(WorkflowDefinitionSerializer.Deserialize(json, DefinitionId));
        _source = "（草稿，导入自 " + e.File.Name + "）";
        var errors = Workflows.Check(DefinitionId, CurrentJson()).Errors;
        ShowErrors(errors, errors.Count == 0 ? $"已导入 {e.File.Name} 并保存为草稿，校验通过。" : $"已导入 {e.File.Name} 并保存为草稿；发现 {errors.Count} 个问题。");
    }

    private void ShowErrors(IReadOnlyList<DefinitionError> errors, string? message)
    {
        _errors = errors;
        _message = message ?? (errors.Count == 0 ? "校验通过，没有发现问题。" : $"发现 {errors.Count} 个问题。");
        foreach (var node in _diagram!.Nodes.OfType<ActivityNode>())
        {
            node.Errors = [.. errors.Where(e => e.ActivityId == node.Activity.Id || ConnectionFrom(e) == node.Activity.Id)];
            node.Refresh();
        }
    }

    /// <summary>A connection error ("from -outcome-> to") belongs on the node it leaves.</summary>
    private static string? ConnectionFrom(DefinitionError error) =>
        error.Connection is { } c && c.IndexOf(' ', StringComparison.Ordinal) is var space and > 0 ? c[..space] : null;

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
