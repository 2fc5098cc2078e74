using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ZangZhiFa.Workflow.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AddPoolTaskCandidates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Candidates",
                table: "workflow_tasks",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_tasks_inbox_pool",
                table: "workflow_tasks",
                columns: new[] { "Status", "DueAt" },
                filter: "\"Candidates\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tasks_inbox_pool",
                table: "workflow_tasks");

            migrationBuilder.DropColumn(
                name: "Candidates",
                table: "workflow_tasks");
        }
    }
}
