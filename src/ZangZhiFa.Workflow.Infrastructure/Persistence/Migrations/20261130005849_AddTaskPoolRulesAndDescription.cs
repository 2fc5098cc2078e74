using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ZangZhiFa.Workflow.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AddTaskPoolRulesAndDescription : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Description",
                table: "workflow_tasks",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "QualificationRequired",
                table: "workflow_tasks",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "RecusedUnits",
                table: "workflow_tasks",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Description",
                table: "workflow_tasks");

            migrationBuilder.DropColumn(
                name: "QualificationRequired",
                table: "workflow_tasks");

            migrationBuilder.DropColumn(
                name: "RecusedUnits",
                table: "workflow_tasks");
        }
    }
}
