using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Complaints;

namespace ZangZhiFa.Workflow.Infrastructure.Persistence;

/// <summary>
/// The one database of the system. Engine rows (instances, bookmarks, tasks, journal, notices, mail) and
/// domain rows live side by side so one <c>SaveChanges</c> commits a workflow step with everything it touched.
/// The model is provider-neutral; only SQLite's lack of a native DateTimeOffset is bridged here.
/// </summary>
public class WorkflowDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<WorkflowInstance> Instances => Set<WorkflowInstance>();

    public DbSet<Bookmark> Bookmarks => Set<Bookmark>();

    public DbSet<WorkflowTask> Tasks => Set<WorkflowTask>();

    public DbSet<JournalEntry> Journal => Set<JournalEntry>();

    public DbSet<IssuedNotice> Notices => Set<IssuedNotice>();

    public DbSet<OutgoingMail> Mails => Set<OutgoingMail>();

    public DbSet<SequenceCounter> Sequences => Set<SequenceCounter>();

    public DbSet<TimerCommand> TimerCommands => Set<TimerCommand>();

    public DbSet<OrgUnit> OrgUnits => Set<OrgUnit>();

    public DbSet<StaffUser> Users => Set<StaffUser>();

    public DbSet<Supervisors.InvitedSupervisor> Supervisors => Set<Supervisors.InvitedSupervisor>();

    public DbSet<Complaint> Complaints => Set<Complaint>();

    public DbSet<ComplaintAttachment> ComplaintAttachments => Set<ComplaintAttachment>();

    public DbSet<LegalReviews.LegalReviewAttachment> LegalReviewAttachments => Set<LegalReviews.LegalReviewAttachment>();
    public DbSet<Definitions.StoredDefinition> StoredDefinitions => Set<Definitions.StoredDefinition>();

    public DbSet<Admin.AdminContent> AdminContents => Set<Admin.AdminContent>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (Database.IsSqlite())
        {
            // SQLite stores DateTimeOffset as text that neither sorts nor compares correctly across offsets;
            // Unix milliseconds (UTC) do both, and due-timer queries depend on it.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
            configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UnixMillisecondsConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<WorkflowInstance>(e =>
        {
            e.ToTable("workflow_instances");
            e.HasKey(x => x.Id);
            e.Property(x => x.DefinitionId).HasMaxLength(100);
            e.Property(x => x.CorrelationId).HasMaxLength(100);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Revision).IsConcurrencyToken();
            e.HasIndex(x => x.CorrelationId);
            e.HasIndex(x => new { x.DefinitionId, x.DefinitionVersion, x.Status });
            e.HasIndex(x => x.ParentInstanceId);
        });

        modelBuilder.Entity<Bookmark>(e =>
        {
            e.ToTable("bookmarks");
            e.HasKey(x => x.Id);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.ActivityId).HasMaxLength(100);
            e.Property(x => x.Name).HasMaxLength(100);
            e.HasIndex(x => x.InstanceId);
            e.HasIndex(x => new { x.Kind, x.DueAt });
        });

        modelBuilder.Entity<WorkflowTask>(e =>
        {
            e.ToTable("workflow_tasks");
            e.HasKey(x => x.Id);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.ActivityId).HasMaxLength(100);
            e.Property(x => x.DefinitionId).HasMaxLength(100);
            e.Property(x => x.CorrelationId).HasMaxLength(100);
            e.Property(x => x.AssigneeRole).HasMaxLength(50);
            e.Property(x => x.OrgUnitCode).HasMaxLength(50);
            e.Property(x => x.AssigneeUser).HasMaxLength(100);
            e.Property(x => x.Candidates).HasMaxLength(4000);
            e.Property(x => x.RecusedUnits).HasMaxLength(4000);
            e.Property(x => x.Description).HasMaxLength(4000);
            e.Property(x => x.Revision).IsConcurrencyToken();
            e.HasIndex(x => new { x.InstanceId, x.Status });
            // Inbox: unclaimed tasks by role, in due order (the unit filter is checked on the index entries),
            // and a user's own tasks in due order.
            e.HasIndex(x => new { x.Status, x.AssigneeRole, x.DueAt, x.OrgUnitCode }).HasDatabaseName("IX_tasks_inbox_group");
            e.HasIndex(x => new { x.AssigneeUser, x.Status, x.DueAt }).HasDatabaseName("IX_tasks_inbox_mine");
            // Inbox counts: unclaimed group tasks by unit, so a narrow scope (a 司法所) seeks its own entries instead of
            // filtering a role's whole backlog in due order (12 ms of CPU at 200,000 tasks, bench/README.md). Partial on
            // "Status <> 'Completed'" (keeps the finished history out), a term only TaskQueries.CountOpenAsync writes:
            // with statistics and a region's hundred units SQLite would otherwise read a page from this index and sort
            // the whole backlog, where IX_tasks_inbox_group gives due order for free.
            e.HasIndex(x => new { x.Status, x.AssigneeRole, x.OrgUnitCode }).HasDatabaseName("IX_tasks_inbox_count")
                .HasFilter("\"AssigneeUser\" IS NULL AND \"Candidates\" IS NULL AND \"Status\" <> 'Completed'");
            // Pool tasks are few: a partial index keeps finding a user's among them off the main table.
            e.HasIndex(x => new { x.Status, x.DueAt }).HasDatabaseName("IX_tasks_inbox_pool").HasFilter("\"Candidates\" IS NOT NULL");
        });

        modelBuilder.Entity<Supervisors.InvitedSupervisor>(e =>
        {
            e.ToTable("invited_supervisors");
            e.HasKey(x => x.Id);
            e.Property(x => x.UserName).HasMaxLength(100);
            e.HasIndex(x => x.UserName).IsUnique();
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Category).HasMaxLength(20);
            e.Property(x => x.RegionCode).HasMaxLength(50);
            e.HasIndex(x => x.RegionCode);
            e.Property(x => x.WorkUnitCode).HasMaxLength(50);
            e.Property(x => x.DeclaredRelations).HasMaxLength(1000);
            e.Property(x => x.Education).HasMaxLength(20);
            // Existing rows become 在任 and available in the migration (its column defaults), not through the model.
            e.Property(x => x.Status).HasMaxLength(20);
            e.Ignore(x => x.RelationList);
        });

        modelBuilder.Entity<JournalEntry>(e =>
        {
            e.ToTable("journal");
            e.HasKey(x => x.Id);
            // Numbered by the store under the write lock; the hash chain follows this order.
            e.HasIndex(x => x.Sequence).IsUnique();
            e.Property(x => x.CaseKey).HasMaxLength(100);
            e.HasIndex(x => new { x.CaseKey, x.Sequence });
            e.Property(x => x.Event).HasMaxLength(50);
            e.Property(x => x.Actor).HasMaxLength(100);
            e.HasIndex(x => new { x.InstanceId, x.Id });
            // No index on CorrelationId: the case file reads a case's lines by instance, the chain by CaseKey, and
            // every step writes several lines — an index nothing reads was one more B-tree insert per line.
        });

        modelBuilder.Entity<IssuedNotice>(e =>
        {
            e.ToTable("notices");
            e.HasKey(x => x.Id);
            e.Property(x => x.TemplateId).HasMaxLength(100);
            e.HasIndex(x => x.InstanceId);
            e.HasIndex(x => x.CorrelationId);
        });

        modelBuilder.Entity<OutgoingMail>(e =>
        {
            e.ToTable("outgoing_mail");
            e.HasKey(x => x.Id);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
            // The case file reads a case's mails by the instance ids of its flows; without this it scans every mail.
            e.HasIndex(x => x.InstanceId);
        });

        modelBuilder.Entity<SequenceCounter>(e =>
        {
            e.ToTable("sequences");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(200);
        });

        modelBuilder.Entity<TimerCommand>(e =>
        {
            e.ToTable("timer_outbox");
            e.HasKey(x => x.Id);
            e.Ignore(x => x.Changes);
        });

        modelBuilder.Entity<OrgUnit>(e =>
        {
            e.ToTable("org_units");
            e.HasKey(x => x.Code);
            e.Property(x => x.Code).HasMaxLength(50);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.ParentCode).HasMaxLength(50);
            e.Property(x => x.Kind).HasMaxLength(20);
            e.HasIndex(x => x.ParentCode);
        });

        modelBuilder.Entity<Complaint>(e =>
        {
            e.ToTable("complaints");
            e.HasKey(x => x.Id);
            e.Property(x => x.TrackingNumber).HasMaxLength(20);
            e.HasIndex(x => x.TrackingNumber).IsUnique();
            e.Property(x => x.IdempotencyKey).HasMaxLength(100);
            e.HasIndex(x => x.IdempotencyKey).IsUnique();
            e.Property(x => x.ContentHash).HasMaxLength(64);
            e.HasIndex(x => new { x.ContentHash, x.SubmittedAt });
            e.Property(x => x.Category).HasMaxLength(20);
            e.Property(x => x.RespondentUnitCode).HasMaxLength(50);
            e.HasIndex(x => x.RespondentUnitCode);
            e.HasIndex(x => x.InstanceId);
        });

        modelBuilder.Entity<ComplaintAttachment>(e =>
        {
            e.ToTable("complaint_attachments");
            e.HasKey(x => x.Id);
            e.HasOne<Complaint>().WithMany().HasForeignKey(x => x.ComplaintId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.ComplaintId, x.Ordinal }).IsUnique();
            e.Property(x => x.FileName).HasMaxLength(255);
            e.Property(x => x.ContentType).HasMaxLength(100);
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.HasIndex(x => x.Sha256);
        });

        modelBuilder.Entity<LegalReviews.LegalReviewAttachment>(e =>
        {
            e.ToTable("legal_review_attachments");
            e.HasKey(x => x.Id);
            e.Property(x => x.CaseNumber).HasMaxLength(30);
            e.HasIndex(x => new { x.CaseNumber, x.Ordinal }).IsUnique();
            e.Property(x => x.FileName).HasMaxLength(255);
            e.Property(x => x.ContentType).HasMaxLength(100);
            e.Property(x => x.Sha256).HasMaxLength(64);
        });

        modelBuilder.Entity<Definitions.StoredDefinition>(e =>
        {
            e.ToTable("workflow_definitions");
            e.HasKey(x => x.Id);
            e.Property(x => x.DefinitionId).HasMaxLength(100);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.SavedBy).HasMaxLength(100);
            // One row per published version (SQLite treats the drafts' NULL versions as distinct) and one draft per flow.
            e.HasIndex(x => new { x.DefinitionId, x.Version }).IsUnique();
            e.HasIndex(x => x.DefinitionId).IsUnique().HasFilter("\"Status\" = 'Draft'").HasDatabaseName("IX_workflow_definitions_draft");
        });

        modelBuilder.Entity<Admin.AdminContent>(e =>
        {
            e.ToTable("admin_content");
            e.HasKey(x => x.Id);
            e.Property(x => x.Kind).HasMaxLength(20);
            e.Property(x => x.Key).HasMaxLength(100);
            e.Property(x => x.SavedBy).HasMaxLength(100);
            e.HasIndex(x => new { x.Kind, x.Key, x.Version }).IsUnique();
        });

        modelBuilder.Entity<StaffUser>(e =>
        {
            e.ToTable("staff_users");
            e.HasKey(x => x.Id);
            e.Ignore(x => x.RoleList);
            e.Property(x => x.UserName).HasMaxLength(100);
            e.HasIndex(x => x.UserName).IsUnique();
            e.HasIndex(x => x.OrgUnitCode);
        });
    }
}

/// <summary>DateTimeOffset ⇄ Unix milliseconds (UTC), for providers without a native offset type.</summary>
public sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.ToUnixTimeMilliseconds(),
    v => DateTimeOffset.FromUnixTimeMilliseconds(v));
