using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ZangZhiFa.Workflow.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AddInboxCountIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_tasks_inbox_count",
                table: "workflow_tasks",
                columns: new[] { "Status", "AssigneeRole", "OrgUnitCode" },
                filter: "\"AssigneeUser\" IS NULL AND \"Candidates\" IS NULL AND \"Status\" <> 'Completed'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tasks_inbox_count",
                table: "workflow_tasks");
        }
    }
}
